import type { Esim } from "@/lib/generated/prisma/client";
import { ORDER_ACCESS_PARAM } from "@/lib/orders/guest-access";
import { iosInstallLink, qrCodeDataUrl } from "@/lib/orders/install";
import type { EsimUsage } from "@/lib/providers/types";
import { formatData, formatDate } from "@/lib/format";
import { Card, CardTitle } from "@/components/ui";
import { CopyButton } from "./copy-button";

export const esimStateText: Record<EsimUsage["state"], string> = {
  not_installed: "Not installed yet",
  installed: "Installed, not yet used",
  active: "Active",
  depleted: "Data used up",
  expired: "Expired",
  disabled: "Disabled",
  deleted: "Deleted from the device",
  unknown: "Unknown",
};

export async function EsimInstall({
  esim,
  orderId,
  usage,
  accessKey = null,
}: {
  esim: Esim;
  orderId: string;
  usage: EsimUsage | null;
  /** The key of the guest order link the page was opened with; the PDF route asks for it too. */
  accessKey?: string | null;
}) {
  const qr = await qrCodeDataUrl(esim.lpa);
  const pdfPath = `/orders/${encodeURIComponent(orderId)}/esims/${encodeURIComponent(esim.iccid)}/pdf`;
  const pdfHref = accessKey ? `${pdfPath}?${new URLSearchParams({ [ORDER_ACCESS_PARAM]: accessKey })}` : pdfPath;
  const percent = usage?.totalMb ? Math.min(100, Math.round((usage.usedMb / usage.totalMb) * 100)) : null;
  return (
    <Card className="space-y-4">
      <CardTitle>eSIM {esim.iccid}</CardTitle>
      <div className="grid gap-6 md:grid-cols-[auto_1fr]">
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL, nothing to optimise */}
        <img src={qr} alt={`QR code to install eSIM ${esim.iccid}`} width={220} height={220} className="rounded border border-slate-200" />
        <div className="space-y-3 text-sm">
          <p>
            <a
              className="inline-flex min-h-11 items-center rounded-md bg-slate-900 px-4 py-2 font-semibold text-white"
              href={iosInstallLink(esim.lpa)}
            >
              Install on iPhone (one tap)
            </a>
          </p>
          <p className="text-slate-600">On Android or another device, scan the QR code or enter the details below.</p>
          <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-2">
            <dt className="font-medium">LPA string</dt>
            <dd className="flex items-center gap-2 break-all font-mono text-xs">
              <span data-testid="lpa">{esim.lpa}</span> <CopyButton value={esim.lpa} label="Copy LPA string" />
            </dd>
            <dt className="font-medium">SM-DP+ address</dt>
            <dd className="break-all font-mono text-xs">{esim.smdpAddress}</dd>
            <dt className="font-medium">Activation code</dt>
            <dd className="break-all font-mono text-xs">{esim.activationCode}</dd>
            <dt className="font-medium">APN</dt>
            <dd>{esim.apn ?? "Set automatically"}</dd>
            {esim.activateBefore && (
              <>
                <dt className="font-medium">Install before</dt>
                <dd>{formatDate(esim.activateBefore)}</dd>
              </>
            )}
          </dl>
          <p className="flex flex-wrap gap-3">
            <a className="inline-flex min-h-11 items-center font-semibold text-brand-600 underline" href={pdfHref}>
              Download PDF
            </a>
            {esim.pdfUrl && (
              <a className="inline-flex min-h-11 items-center text-brand-600 underline" href={esim.pdfUrl} rel="noreferrer">
                Provider’s PDF
              </a>
            )}
          </p>
        </div>
      </div>
      {usage && (
        <div className="space-y-1 text-sm" aria-label="Data usage">
          <p>
            <span className="font-medium">Status:</span> {esimStateText[usage.state]}
          </p>
          <p>
            <span className="font-medium">Used:</span> {formatData(usage.usedMb)}
            {usage.totalMb !== null ? ` of ${formatData(usage.totalMb)}` : " (unlimited plan)"}
            {usage.expiresAt && ` · expires ${formatDate(usage.expiresAt)}`}
          </p>
          {percent !== null && (
            <div
              role="progressbar"
              aria-valuenow={percent}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-label="Data used"
              className="h-2 rounded bg-slate-200"
            >
              <div className="h-2 rounded bg-brand-600" style={{ width: `${percent}%` }} />
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
