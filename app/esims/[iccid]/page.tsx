import Link from "next/link";
import { notFound } from "next/navigation";
import { EsimSummary } from "@/components/esims/esim-summary";
import { EsimInstall } from "@/components/orders/esim-install";
import { PhysicalSimCard } from "@/components/orders/physical-sim";
import { Alert } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { isPhysical } from "@/lib/orders/lifecycle";
import { findEsimForUser, readUsage } from "@/lib/esims/my-esims";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "eSIM" };

export default async function EsimPage({ params }: { params: Promise<{ iccid: string }> }) {
  const iccid = recordIdFrom((await params).iccid);
  if (!iccid) notFound();
  const user = await requireUser(`/esims/${iccid}`);
  const item = await findEsimForUser(user.id, iccid);
  if (!item) notFound();
  const usage = await readUsage([item]);
  const now = new Date();
  return (
    <div className="space-y-6">
      {usage.unavailable && <Alert tone="warning">{usage.unavailable}</Alert>}
      <EsimSummary item={item} usage={usage.byIccid.get(iccid) ?? null} now={now} headingLevel="h1" detailsLink={false} />
      {item.live &&
        (isPhysical(item.esim.order) ? (
          <PhysicalSimCard esim={item.esim} usage={usage.byIccid.get(iccid) ?? null} />
        ) : (
          <EsimInstall esim={item.esim} orderId={item.esim.orderId} usage={null} />
        ))}
      <Link href="/esims" className="text-sm text-brand-600 underline">
        All my eSIMs
      </Link>
    </div>
  );
}
