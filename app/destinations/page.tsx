import { DestinationGrid, DestinationSearch } from "@/components/catalog/destination-grid";
import { Alert } from "@/components/ui";
import { listDestinations } from "@/lib/catalog/queries";
import { searchFrom } from "@/lib/validation";

export const metadata = { title: "Destinations" };

export default async function DestinationsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const { query: q, error } = searchFrom((await searchParams).q);
  const destinations = await listDestinations(q);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{q ? `Destinations matching “${q}”` : "All destinations"}</h1>
      {error && <Alert tone="warning">{error}</Alert>}
      <DestinationSearch defaultValue={q} />
      <DestinationGrid destinations={destinations} />
    </div>
  );
}
