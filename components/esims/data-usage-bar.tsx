import { formatData } from "@/lib/format";
import { percentUsed } from "@/lib/esims/usage";
import type { EsimUsage } from "@/lib/providers/types";

/**
 * Data used, as a bar with the same facts in text: screen readers get the
 * progressbar's value text, everyone gets the line above it.
 */
export function DataUsageBar({ usage, label }: { usage: Pick<EsimUsage, "usedMb" | "totalMb">; label: string }) {
  const percent = percentUsed(usage);
  const text =
    percent === null
      ? `${formatData(usage.usedMb)} used (unlimited plan)`
      : `${formatData(usage.usedMb)} of ${formatData(usage.totalMb)} used (${percent}%)`;
  return (
    <div className="space-y-1">
      <p className="text-sm">{text}</p>
      {percent !== null && (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={text}
          className="h-2.5 w-full overflow-hidden rounded bg-slate-200"
        >
          <div className={`h-full rounded ${percent >= 80 ? "bg-amber-600" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
        </div>
      )}
    </div>
  );
}
