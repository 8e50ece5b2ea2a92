import { Card, CardTitle } from "@/components/ui";
import type { Esim } from "@/lib/generated/prisma/client";
import { distributionStatusText } from "@/lib/orders/physical";
import type { EsimUsage } from "@/lib/providers/types";
import { esimStateText } from "./esim-install";

/** A physical SIM card of a distribution partner order: its distribution status, never a QR code or LPA (there is none). */
export function PhysicalSimCard({ esim, usage }: { esim: Esim; usage: EsimUsage | null }) {
  return (
    <Card className="space-y-2">
      <CardTitle>SIM card {esim.iccid}</CardTitle>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-medium">Distribution status</dt>
        <dd>{distributionStatusText(esim.dpStatus)}</dd>
        <dt className="font-medium">Live status</dt>
        <dd>{usage ? esimStateText[usage.state] : "Not available right now"}</dd>
      </dl>
      <p className="text-sm text-slate-600">A physical SIM card, handed out by the distribution partner: insert it in the phone.</p>
    </Card>
  );
}
