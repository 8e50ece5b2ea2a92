import Link from "next/link";
import type { DestinationSummary } from "@/lib/catalog/queries";
import { formatMoney } from "@/lib/money";

export function DestinationGrid({ destinations }: { destinations: DestinationSummary[] }) {
  if (destinations.length === 0) return <p className="text-slate-600">No destinations match your search.</p>;
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      {destinations.map((d) => (
        <li key={d.slug}>
          <Link
            href={`/destinations/${d.slug}`}
            className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-brand-600"
          >
            <span className="block font-semibold">{d.name}</span>
            <span className="text-xs uppercase tracking-wide text-slate-500">{d.kind === "REGION" ? "Region" : "Country"}</span>
            {d.fromPriceMinor !== null && d.currency && (
              <span className="mt-2 block text-sm text-slate-700">
                {d.planCount} plans from <strong>{formatMoney(d.fromPriceMinor, d.currency)}</strong>
              </span>
            )}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function DestinationSearch({ defaultValue }: { defaultValue?: string }) {
  return (
    <form action="/destinations" method="get" role="search" className="flex gap-2">
      <label htmlFor="destination-search" className="sr-only">
        Where are you going?
      </label>
      <input
        id="destination-search"
        name="q"
        defaultValue={defaultValue}
        placeholder="Country or region, e.g. Japan or Europe"
        className="w-full rounded-md border border-slate-300 px-4 py-2.5 text-base text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
      />
      <button type="submit" className="rounded-md bg-brand-600 px-5 font-semibold text-white hover:bg-brand-700">
        Search
      </button>
    </form>
  );
}
