import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { startPurchase } from "@/app/orders/actions";
import { DestinationFlag, flagOf } from "@/components/catalog/flag";
import { PlanBrowser } from "@/components/catalog/plan-browser";
import { getDestinationPage } from "@/lib/catalog/queries";
import { recordIdFrom } from "@/lib/validation";
import { PurchaseError } from "../purchase-error";

/**
 * The build reads no database, so no destination is prerendered there: each
 * is rendered on its first visit, then kept until its tags are invalidated
 * (lib/catalog/cache.ts).
 */
export function generateStaticParams(): { slug: string }[] {
  return [];
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const slug = recordIdFrom((await params).slug);
  const destination = slug ? await getDestinationPage(slug) : null;
  return { title: destination ? `eSIM plans for ${destination.name}` : "Destination not found" };
}

export default async function DestinationPage({ params }: { params: Promise<{ slug: string }> }) {
  const slug = recordIdFrom((await params).slug);
  const destination = slug ? await getDestinationPage(slug) : null;
  if (!destination) notFound();
  const isRegion = destination.kind === "REGION";
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm uppercase tracking-wide text-slate-600">{isRegion ? "Region" : "Country"}</p>
        <h1 className="flex items-center gap-3 text-3xl font-bold">
          <DestinationFlag flag={flagOf(destination)} />
          {destination.name}
        </h1>
      </div>
      <Suspense fallback={null}>
        <PurchaseError />
      </Suspense>
      {isRegion && destination.countries.length > 0 && (
        <details className="rounded-lg border border-slate-200 bg-white p-4">
          <summary className="min-h-11 cursor-pointer content-center font-semibold">
            Works in {destination.countries.length} {destination.countries.length === 1 ? "country" : "countries"}
          </summary>
          <ul className="mt-3 grid gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-4" aria-label={`Countries ${destination.name} covers`}>
            {destination.countries.map((country) => (
              <li key={country.code} className="flex min-h-11 items-center gap-2">
                <DestinationFlag flag={country.code.toLowerCase()} />
                {country.slug ? (
                  <Link href={`/destinations/${country.slug}`} className="text-brand-700 underline-offset-2 hover:underline">
                    {country.name}
                  </Link>
                ) : (
                  country.name
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
      <PlanBrowser
        destinationName={destination.name}
        plans={destination.plans}
        coveringPlans={destination.coveringPlans}
        buyAction={startPurchase}
        returnTo={`/destinations/${destination.slug}`}
      />
    </div>
  );
}
