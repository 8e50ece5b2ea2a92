import { chooseProviderAction, markupOverrideAction, storePricingAction } from "@/app/admin/pricing/actions";
import { ActionForm } from "@/components/admin/action-form";
import { SearchForm } from "@/components/admin/search-form";
import { StorePricingForm } from "@/components/admin/store-pricing-form";
import { Alert, Badge, Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { searchPlans } from "@/lib/catalog/admin";
import { formatPercent, grossMarginMinor, ROUNDING_STEPS } from "@/lib/catalog/pricing";
import { listShapeConflicts, loadPricing, paymentFee, priceOf } from "@/lib/catalog/settings";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { allProviders } from "@/lib/providers/registry";
import { searchFrom } from "@/lib/validation";

export const metadata = { title: "Pricing" };

export default async function PricingPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireAdmin("/admin/pricing");
  const { query: q, error } = searchFrom((await searchParams).q);
  const [pricing, destinations, conflicts, plans] = await Promise.all([
    loadPricing(),
    db().destination.findMany({ orderBy: { name: "asc" }, select: { slug: true, name: true } }),
    listShapeConflicts(),
    q ? searchPlans(q, 20) : Promise.resolve([]),
  ]);
  const { store } = pricing;
  const currency = env().CURRENCY;
  const fee = paymentFee();
  const providerName = new Map<string, string>(allProviders().map((p) => [p.id, p.displayName]));
  const destinationName = new Map(destinations.map((d) => [d.slug, d.name]));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Pricing</h1>
      <Card className="space-y-3" aria-labelledby="store-pricing-heading">
        <CardTitle id="store-pricing-heading">Store-wide</CardTitle>
        <p className="text-sm text-slate-600">
          Retail = wholesale plus the markup, rounded up; never below wholesale plus the payment fee ({formatPercent(fee.basisPoints)} % +{" "}
          {formatMoney(fee.fixedMinor, currency)}, PAYMENT_FEE_PERCENT / PAYMENT_FEE_FIXED_MINOR). Prices set by hand on the Catalog page
          are kept.{" "}
          {store.fromEnvironment
            ? `Not saved yet: the markup is the environment's CATALOG_MARKUP_PERCENT (${formatPercent(store.markupBasisPoints)} %).`
            : ""}
        </p>
        <StorePricingForm
          current={{ ...store, markupPercent: formatPercent(store.markupBasisPoints) }}
          steps={ROUNDING_STEPS}
          currency={currency}
          action={storePricingAction}
        />
      </Card>

      <Card className="space-y-3" aria-labelledby="destination-markups-heading">
        <CardTitle id="destination-markups-heading">Destination markups</CardTitle>
        <p className="text-sm text-slate-600">
          A destination&apos;s own markup replaces the store-wide one for its plans (a plan&apos;s own wins over both).
        </p>
        {pricing.destinationMarkups.size > 0 && (
          <Table caption="Destinations with their own markup">
            <thead>
              <tr>
                <Th>Destination</Th>
                <Th>Markup</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {[...pricing.destinationMarkups].map(([slug, basisPoints]) => (
                <tr key={slug}>
                  <Td>{destinationName.get(slug) ?? slug}</Td>
                  <Td>
                    <OverrideForm target="destination" id={slug} label={destinationName.get(slug) ?? slug} basisPoints={basisPoints} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <ActionForm
          action={markupOverrideAction}
          label="Add a destination markup"
          submitLabel="Save"
          variant="secondary"
          className="flex flex-wrap items-end gap-2"
        >
          <input type="hidden" name="target" value="destination" />
          <label className="text-sm" htmlFor="new-destination">
            Destination
          </label>
          <select id="new-destination" name="id" className={`${inputClass} w-56`}>
            {destinations.map((d) => (
              <option key={d.slug} value={d.slug}>
                {d.name}
              </option>
            ))}
          </select>
          <label className="text-sm" htmlFor="new-destination-markup">
            Markup (%)
          </label>
          <input id="new-destination-markup" name="markup" inputMode="decimal" className={`${inputClass} w-24`} />
        </ActionForm>
      </Card>

      <Card className="space-y-3" aria-labelledby="plan-markups-heading">
        <CardTitle id="plan-markups-heading">Plan markups</CardTitle>
        {error && <Alert tone="warning">{error}</Alert>}
        <SearchForm id="pricing-plan-search" label="Find plans by destination or name" defaultValue={q} />
        {plans.length > 0 && (
          <Table caption="Matching plans (first 20)">
            <thead>
              <tr>
                <Th>Plan</Th>
                <Th>Provider</Th>
                <Th className="text-right">Wholesale</Th>
                <Th className="text-right">Price</Th>
                <Th className="text-right">Margin</Th>
                <Th>Own markup</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {plans.map((plan) => {
                const computed = priceOf(plan, pricing);
                return (
                  <tr key={plan.id}>
                    <Td>{plan.name}</Td>
                    <Td>{providerName.get(plan.provider) ?? plan.provider}</Td>
                    <Td className="text-right tabular-nums">{formatMoney(plan.wholesaleMinor, plan.currency)}</Td>
                    <Td className="text-right tabular-nums">
                      {formatMoney(plan.priceMinor, plan.currency)} {plan.priceOverridden && <Badge tone="info">manual</Badge>}
                      {!plan.priceOverridden && computed.floored && <Badge tone="warn">floor</Badge>}
                    </Td>
                    <Td className="text-right tabular-nums">
                      {formatMoney(grossMarginMinor(plan.priceMinor, plan.wholesaleMinor, fee), plan.currency)}
                    </Td>
                    <Td>
                      <OverrideForm target="plan" id={plan.id} label={plan.name} basisPoints={pricing.planMarkups.get(plan.id)} />
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </Card>

      <Card className="space-y-3" aria-labelledby="providers-heading">
        <CardTitle id="providers-heading">Same plan from both providers</CardTitle>
        <p className="text-sm text-slate-600">
          Destinations where both providers sell the same data and days. &quot;Automatic&quot; sells{" "}
          {store.autoCheapest ? "only the cheaper" : "both"} (the store-wide setting above).
        </p>
        {conflicts.length === 0 ? (
          <p className="text-sm text-slate-600">None: no destination has the same plan from both providers.</p>
        ) : (
          <Table caption="Plan shapes both providers sell">
            <thead>
              <tr>
                <Th>Destination</Th>
                <Th>Plans</Th>
                <Th>Sold from</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white align-top">
              {conflicts.map((c) => (
                <tr key={`${c.destinationSlug}|${c.shapeKey}`}>
                  <Td>{destinationName.get(c.destinationSlug) ?? c.destinationSlug}</Td>
                  <Td>
                    <ul className="space-y-1">
                      {c.plans.map((p) => (
                        <li key={p.id}>
                          {providerName.get(p.provider) ?? p.provider}: {p.name}, {formatMoney(p.priceMinor, p.currency)} (cost{" "}
                          {formatMoney(p.wholesaleMinor, p.currency)}){" "}
                          {p.active ? <Badge tone="good">on sale</Badge> : <Badge>not sold</Badge>}
                        </li>
                      ))}
                    </ul>
                  </Td>
                  <Td>
                    <ActionForm
                      action={chooseProviderAction}
                      label={`Provider for ${c.plans[0]!.name}`}
                      submitLabel="Save"
                      variant="secondary"
                      className="flex items-center gap-2"
                    >
                      <input type="hidden" name="destinationSlug" value={c.destinationSlug} />
                      <input type="hidden" name="shapeKey" value={c.shapeKey} />
                      <label className="sr-only" htmlFor={`choice-${c.destinationSlug}-${c.shapeKey}`}>
                        Sold from
                      </label>
                      <select
                        id={`choice-${c.destinationSlug}-${c.shapeKey}`}
                        name="provider"
                        defaultValue={c.chosen ?? "auto"}
                        className={inputClass}
                      >
                        <option value="auto">Automatic</option>
                        {[...new Set(c.plans.map((p) => p.provider))].map((id) => (
                          <option key={id} value={id}>
                            {providerName.get(id) ?? id}
                          </option>
                        ))}
                      </select>
                    </ActionForm>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}

function OverrideForm({
  target,
  id,
  label,
  basisPoints,
}: {
  target: "destination" | "plan";
  id: string;
  label: string;
  basisPoints?: number;
}) {
  return (
    <ActionForm
      action={markupOverrideAction}
      label={`Markup of ${label}`}
      submitLabel="Save"
      variant="secondary"
      className="flex items-center gap-2"
    >
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="id" value={id} />
      <label className="sr-only" htmlFor={`markup-${target}-${id}`}>
        Markup (%) of {label}
      </label>
      <input
        id={`markup-${target}-${id}`}
        name="markup"
        defaultValue={basisPoints === undefined ? "" : formatPercent(basisPoints)}
        placeholder="store's"
        inputMode="decimal"
        className={`${inputClass} w-24`}
      />
    </ActionForm>
  );
}
