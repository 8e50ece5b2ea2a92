import { DestinationGrid } from "@/components/catalog/destination-grid";
import { DestinationSearch } from "@/components/catalog/destination-search";
import { destinationSearchIndex, homeSections, listDestinations } from "@/lib/catalog/queries";

export default async function HomePage() {
  const [destinations, index] = await Promise.all([listDestinations(), destinationSearchIndex()]);
  const { popular, regions, countries } = homeSections(destinations);
  const sections = [
    { id: "popular", title: "Popular destinations", destinations: popular },
    { id: "regions", title: "Regions", destinations: regions },
    { id: "countries", title: "Countries A–Z", destinations: countries },
  ];
  return (
    <div className="space-y-10">
      <section className="rounded-2xl bg-brand-900 px-4 py-10 text-white sm:px-6 sm:py-12">
        <h1 className="text-3xl font-bold sm:text-4xl">Mobile data for your next trip</h1>
        <p className="mt-2 max-w-xl text-brand-100">
          Pick a destination, pay by card or from your wallet, and install your eSIM straight away with a QR code.
        </p>
        <div className="mt-6 max-w-xl rounded-lg bg-white p-2">
          <DestinationSearch index={index} />
        </div>
      </section>
      {sections.map(
        (section) =>
          section.destinations.length > 0 && (
            <section key={section.id} aria-labelledby={section.id}>
              <h2 id={section.id} className="mb-3 text-xl font-semibold">
                {section.title}
              </h2>
              <DestinationGrid destinations={section.destinations} />
            </section>
          ),
      )}
    </div>
  );
}
