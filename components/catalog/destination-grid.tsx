import Link from "next/link";
import type { DestinationSummary } from "@/lib/catalog/queries";
import { formatMoney } from "@/lib/money";
import { DestinationFlag, flagOf } from "./flag";

export function DestinationGrid({ destinations }: { destinations: readonly DestinationSummary[] }) {
  if (destinations.length === 0) return <p className="text-slate-600">No destinations to show.</p>;
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      {destinations.map((d) => (
        <li key={d.slug}>
          <Link
            href={`/destinations/${d.slug}`}
            className="flex min-h-11 items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-brand-600"
          >
            <DestinationFlag flag={flagOf(d)} className="mt-1 text-xl" />
            <span className="min-w-0">
              <span className="block font-semibold">{d.name}</span>
              <span className="text-xs uppercase tracking-wide text-slate-600">{d.kind === "REGION" ? "Region" : "Country"}</span>
              {d.fromPriceMinor !== null && d.currency && (
                <span className="mt-1 block text-sm text-slate-700">
                  {d.planCount} plans from <strong>{formatMoney(d.fromPriceMinor, d.currency)}</strong>
                </span>
              )}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
