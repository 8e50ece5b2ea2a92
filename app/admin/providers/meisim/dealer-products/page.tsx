import { saveDealerProductAction, withdrawDealerProductAction } from "./actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Card, CardTitle, Field, Table, Td, Th } from "@/components/ui";
import { MEISIM_TOOLS_PATH } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { listDealerProducts } from "@/lib/catalog/dealer-products";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";

export const metadata = { title: "MeiSIM dealer products" };

const major = (minor: number) => (minor / 100).toFixed(2);

export default async function DealerProductsPage() {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/dealer-products`);
  const products = await listDealerProducts();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Dealer products (POST /dealer/order)</h1>
      <MeisimNav />
      <p className="max-w-3xl text-sm text-slate-600">
        MeiSIM documents no catalog for the products it sells through <code>/dealer/order</code>, so each is added here by its product id.
        The dealer cost is what you expect MeiSIM to debit from the dealer wallet per unit: no MeiSIM answer gives it before an order, and
        the store uses it to refuse a sale the wallet cannot cover (before the customer pays) and for margins. MeiSIM emails the activation
        to the customer; the store shows MeiSIM&apos;s short order id.
      </p>
      <Card className="space-y-3">
        <CardTitle>Add or change a product</CardTitle>
        <p className="text-sm text-slate-600">Saving an existing product id changes it and puts it back on sale.</p>
        <ActionForm action={saveDealerProductAction} label="Save a dealer product" submitLabel="Save product">
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="MeiSIM product id" name="productId" required placeholder="p3:att-prepaid-30" />
            <Field label="Name shown to customers" name="name" required />
            <Field label="Destination (country code)" name="country" required placeholder="US" maxLength={2} />
            <Field label="Validity (days)" name="days" required inputMode="numeric" />
            <Field label="Data (GB)" name="dataGb" inputMode="decimal" hint="Empty when the product states no limit." />
            <Field label="Retail price (USD)" name="price" required inputMode="decimal" />
            <Field
              label="Dealer cost (USD)"
              name="dealerCost"
              required
              inputMode="decimal"
              hint="Your expected wallet debit per unit; no MeiSIM catalog gives it."
            />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="usPrepaid" /> US prepaid: the customer gives the phone&apos;s IMEI and EID and a US address
          </label>
          <Field label="Reason" name="reason" required minLength={3} maxLength={300} />
        </ActionForm>
      </Card>
      <Table caption="Dealer products">
        <thead>
          <tr>
            <Th>Product id</Th>
            <Th>Name</Th>
            <Th>Destination</Th>
            <Th>Plan</Th>
            <Th>Retail</Th>
            <Th>Dealer cost</Th>
            <Th>US prepaid</Th>
            <Th>On sale</Th>
            <Th>Withdraw</Th>
          </tr>
        </thead>
        <tbody>
          {products.map((p) => (
            <tr key={p.productId}>
              <Td>
                <code>{p.productId}</code>
              </Td>
              <Td>{p.plan.name}</Td>
              <Td>{p.plan.destination.name}</Td>
              <Td>
                {formatData(p.plan.dataMb)}, {formatDays(p.plan.days)}
              </Td>
              <Td>{formatMoney(p.plan.priceMinor, p.plan.currency)}</Td>
              <Td>{major(p.plan.wholesaleMinor)} USD</Td>
              <Td>{p.usPrepaid ? "Yes" : "No"}</Td>
              <Td>{p.plan.active ? "Yes" : "Withdrawn"}</Td>
              <Td>
                {p.plan.active && (
                  <ActionForm
                    action={withdrawDealerProductAction}
                    label={`Withdraw ${p.productId}`}
                    submitLabel="Withdraw"
                    variant="danger"
                    className="flex flex-wrap items-end gap-2"
                  >
                    <input type="hidden" name="productId" value={p.productId} />
                    <Field label="Reason" name="reason" required minLength={3} maxLength={300} />
                  </ActionForm>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
