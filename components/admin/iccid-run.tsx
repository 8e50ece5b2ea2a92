import { Badge } from "@/components/ui";
import type { IccidQueryRunView } from "@/lib/admin/mioesim-tools";

export function IccidRunStatus({ run }: { run: IccidQueryRunView }) {
  if (run.status === "SUCCEEDED") return <Badge tone="good">done</Badge>;
  if (run.status === "FAILED") return <Badge tone="bad">failed</Badge>;
  if (!run.active) return <Badge tone="warn">stalled</Badge>;
  return <Badge tone="info">{run.status === "QUEUED" ? "queued" : "running"}</Badge>;
}

/** "120 of 250 cards read", with a bar. */
export function IccidRunProgress({ run }: { run: IccidQueryRunView }) {
  const label = `${run.done} of ${run.total} cards read`;
  return (
    <div className="space-y-1">
      <p className="text-sm">{label}</p>
      <progress className="block h-3 w-full max-w-md" max={run.total} value={run.done} aria-label={`ICCID query progress: ${label}`} />
    </div>
  );
}
