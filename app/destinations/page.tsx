import { DestinationGrid, DestinationSearch } from "@/components/catalog/destination-grid";
import { listDestinations } from "@/lib/catalog/queries";

export const metadata = { title: "Destinations" };

export default async function DestinationsPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const q = (await searchParams).q?.slice(0, 100);
  const destinations = await listDestinations(q);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{q ? `Destinations matching “${q}”` : "All destinations"}</h1>
      <DestinationSearch defaultValue={q} />
      <DestinationGrid destinations={destinations} />
    </div>
  );
}
