import { DestinationSearch } from "@/components/catalog/destination-search";
import { DestinationGrid } from "@/components/catalog/destination-grid";
import { Alert } from "@/components/ui";
import { destinationSearchIndex, listDestinations } from "@/lib/catalog/queries";
import { searchDestinations } from "@/lib/geo/search";
import { searchFrom } from "@/lib/validation";

export const metadata = { title: "Search destinations" };

/**
 * The search box's answer without JavaScript (and its "Search" button): every
 * match, best first. Rendered whole per request (layout.tsx): a streamed
 * Suspense boundary would stay hidden in a browser without JavaScript.
 */
export default async function SearchPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const { query, error } = searchFrom((await searchParams).q);
  const [destinations, index] = await Promise.all([listDestinations(), destinationSearchIndex()]);
  const slugs = query ? searchDestinations(index, query).map((entry) => entry.slug) : null;
  const found = slugs ? slugs.flatMap((slug) => destinations.filter((d) => d.slug === slug)) : destinations;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{query ? `Destinations matching “${query}”` : "All destinations"}</h1>
      {error && <Alert tone="warning">{error}</Alert>}
      <DestinationSearch index={index} defaultValue={query} />
      {found.length === 0 ? <p className="text-slate-600">No destinations match your search.</p> : <DestinationGrid destinations={found} />}
    </div>
  );
}
