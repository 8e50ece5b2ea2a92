import { Button, inputClass } from "@/components/ui";

export interface OrderFilterValues {
  q?: string;
  status?: string;
  provider?: string;
  payment?: string;
  from?: string;
  to?: string;
}

interface Choice {
  value: string;
  label: string;
}

/**
 * The order desk's search and filters: a GET form, so a filtered list is a
 * link (the CSV export carries the same query) and the back button works.
 */
export function OrderFilters({
  values,
  statuses,
  providers,
  payments,
  exportHref,
}: {
  values: OrderFilterValues;
  statuses: Choice[];
  providers: Choice[];
  payments: Choice[];
  exportHref: string;
}) {
  return (
    <form method="get" role="search" aria-label="Find orders" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <div className="sm:col-span-2">
        <label htmlFor="order-q" className="block text-sm font-medium text-slate-700">
          Order reference, provider order, ICCID, email or Stripe session
        </label>
        <input id="order-q" name="q" type="search" defaultValue={values.q} className={inputClass} />
      </div>
      <Select id="order-status" name="status" label="Status" value={values.status} choices={statuses} />
      <Select id="order-provider" name="provider" label="Provider" value={values.provider} choices={providers} />
      <Select id="order-payment" name="payment" label="Payment method" value={values.payment} choices={payments} />
      <div>
        <label htmlFor="order-from" className="block text-sm font-medium text-slate-700">
          Placed from
        </label>
        <input id="order-from" name="from" type="date" defaultValue={values.from} className={inputClass} />
      </div>
      <div>
        <label htmlFor="order-to" className="block text-sm font-medium text-slate-700">
          Placed until
        </label>
        <input id="order-to" name="to" type="date" defaultValue={values.to} className={inputClass} />
      </div>
      <div className="flex items-end gap-2">
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {/* A plain link: a file download, not a page for the client router to fetch. */}
        <a href={exportHref} download className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 underline">
          Export CSV
        </a>
      </div>
    </form>
  );
}

function Select({ id, name, label, value, choices }: { id: string; name: string; label: string; value?: string; choices: Choice[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">Any</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}
