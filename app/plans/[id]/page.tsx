import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { startPurchase } from "@/app/orders/actions";
import { BuyForm } from "@/components/catalog/buy-form";
import { PlanBadges } from "@/components/catalog/plan-list";
import { DestinationFlag } from "@/components/catalog/flag";
import { Card } from "@/components/ui";
import { distinguishLookalikes, pricePerGbMinor } from "@/lib/catalog/plan-choice";
import { getPlanPage, type PlanOffer } from "@/lib/catalog/queries";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { recordIdFrom } from "@/lib/validation";
import { PurchaseError } from "../../destinations/purchase-error";

export const metadata = { title: "Plan details" };

/**
 * Plan ids are known only once the catalog is synced, and the build reads no
 * database: each plan's page is rendered on its first visit, then kept until
 * its tags are invalidated (lib/catalog/cache.ts).
 */
export function generateStaticParams(): { id: string }[] {
  return [];
}

/** What happens when the allowance is used up, from what the plan's kind makes certain. */
function whenDataRunsOut(plan: PlanOffer): string {
  if (plan.dataMb === null) return "The data is unlimited for the whole validity.";
  if (plan.dayPass)
    return `You get ${formatData(plan.dataMb)} every day for ${formatDays(plan.days)}; once a day’s allowance is used, data stops until the next day’s allowance.`;
  return plan.renewable
    ? `Data stops once ${formatData(plan.dataMb)} is used. You can add more to the same eSIM from My eSIMs, without installing it again.`
    : `Data stops once ${formatData(plan.dataMb)} is used. This plan cannot be topped up: buy a new eSIM for more data.`;
}

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const id = recordIdFrom((await params).id);
  const page = id ? await getPlanPage(id) : null;
  if (!page) notFound();
  const { plan, countries, lookalikes } = page;
  const notes = distinguishLookalikes([plan, ...lookalikes]);
  const perGb = pricePerGbMinor(plan);
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link
          href={`/destinations/${plan.destinationSlug}`}
          className="inline-flex min-h-11 items-center text-sm text-brand-700 hover:underline"
        >
          ← All plans for {plan.destinationName}
        </Link>
        <h1 className="text-3xl font-bold break-words">{plan.name}</h1>
        <PlanBadges plan={plan} />
      </div>
      <Suspense fallback={null}>
        <PurchaseError />
      </Suspense>
      <Card className="space-y-4 p-4 sm:p-6">
        <p className="text-2xl font-bold">
          {formatMoney(plan.priceMinor, plan.currency)}
          <span className="ml-2 text-sm font-normal text-slate-600">
            {perGb === null ? "unlimited data" : `${formatMoney(perGb, plan.currency)} per GB`}
          </span>
        </p>
        <BuyForm plan={plan} action={startPurchase} returnTo={`/plans/${plan.id}`} />
        {plan.maxQuantity > 1 && (
          <p className="text-sm text-slate-600">One order can hold up to {plan.maxQuantity} eSIMs of this plan, one per phone.</p>
        )}
      </Card>
      <dl className="grid gap-4 sm:grid-cols-2">
        <Fact term="Data">{`${formatData(plan.dataMb)}${plan.dayPass ? " per day" : ""}`}</Fact>
        <Fact term="Validity">{formatDays(plan.days)}</Fact>
        <Fact term="When the data runs out">{whenDataRunsOut(plan)}</Fact>
        <Fact term="Top-up">
          {plan.renewable ? "Can be topped up on the same eSIM from My eSIMs." : "Cannot be topped up; a new eSIM is needed for more data."}
        </Fact>
        <Fact term="Cancellation and refund">
          {plan.cancellationPolicy ? (
            <>
              <span className="block">{plan.cancellable ? "Cancellable before the eSIM is installed." : "Not refundable."}</span>
              <span className="block text-slate-600">The network partner’s policy: “{plan.cancellationPolicy}”</span>
            </>
          ) : (
            "Not refundable: the network partner states no cancellation policy for this plan."
          )}
        </Fact>
        <Fact term="Network and APN">
          {`Supplied by ${plan.providerName}. The APN, where your phone needs one, comes with your eSIM’s install details.`}
        </Fact>
      </dl>
      {lookalikes.length > 0 && (
        <section aria-labelledby="lookalikes" className="space-y-2">
          <h2 id="lookalikes" className="text-xl font-semibold">
            Similar plans and how they differ
          </h2>
          <ul className="space-y-2">
            {[plan, ...lookalikes].map((p) => (
              <li key={p.id} className="rounded-lg border border-slate-200 bg-white p-3">
                {p.id === plan.id ? (
                  <span className="font-medium">This plan</span>
                ) : (
                  <Link href={`/plans/${p.id}`} className="inline-flex min-h-11 items-center font-medium text-brand-700 hover:underline">
                    {p.name}
                  </Link>
                )}
                {" — "}
                {formatMoney(p.priceMinor, p.currency)} · {notes.get(p.id)?.join(" · ")}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="coverage" className="space-y-2">
        <h2 id="coverage" className="text-xl font-semibold">
          Coverage: {countries.length} {countries.length === 1 ? "country" : "countries"}
        </h2>
        <ul className="grid gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-4">
          {countries.map((country) => (
            <li key={country.code} className="flex min-h-11 items-center gap-2">
              <DestinationFlag flag={country.code.toLowerCase()} />
              {country.slug ? (
                <Link href={`/destinations/${country.slug}`} className="inline-flex min-h-11 items-center text-brand-700 hover:underline">
                  {country.name}
                </Link>
              ) : (
                country.name
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <dt className="text-sm font-semibold text-slate-700">{term}</dt>
      <dd className="mt-1">{children}</dd>
    </div>
  );
}
