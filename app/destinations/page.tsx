import { DestinationGrid } from "@/components/catalog/destination-grid";
import { DestinationSearch } from "@/components/catalog/destination-search";
import { destinationSearchIndex, homeSections, listDestinations } from "@/lib/catalog/queries";

export const metadata = { title: "Destinations" };

export default async function DestinationsPage() {
  const [destinations, index] = await Promise.all([listDestinations(), destinationSearchIndex()]);
  const { regions, countries } = homeSections(destinations);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">All destinations</h1>
      <DestinationSearch index={index} />
      <section aria-labelledby="regions" className="space-y-3">
        <h2 id="regions" className="text-xl font-semibold">
          Regions
        </h2>
        <DestinationGrid destinations={regions} />
      </section>
      <section aria-labelledby="countries" className="space-y-3">
        <h2 id="countries" className="text-xl font-semibold">
          Countries A–Z
        </h2>
        <DestinationGrid destinations={countries} />
      </section>
    </div>
  );
}
