import { stringify } from "csv-stringify/sync";
import { PRODUCTS } from "./catalog";
import type { MeisimViews } from "./dialects";
import { Raw, type MeisimRouter } from "./router";
import {
  badRequest,
  insufficientFunds,
  notFound,
  optionalEmail,
  optionalNumber,
  optionalString,
  requiredEmail,
  requiredString,
  toCents,
  usd,
} from "./sim-error";
import { stripeGross, type Dealer, type MeisimState, type OrderRecord } from "./state";

const MAX_VERIFY_LPAS = 50_000;
const VERIFY_PRICE_CENTS = 1_00;
const DAY = 86_400_000;

function dateParam(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(at)) throw badRequest(`${name} must be a YYYY-MM-DD date`);
  return at;
}

function topupAmountCents(body: Record<string, unknown>): number {
  const amountUsd = optionalNumber(body, "amountUsd");
  if (amountUsd === undefined || amountUsd < 50 || amountUsd > 10_000) throw badRequest("amountUsd must be between 50 and 10000");
  return toCents(amountUsd);
}

function feeFields(netCents: number) {
  const { grossCents, feeCents } = stripeGross(netCents);
  return { netAmt: usd(netCents), grossAmt: usd(grossCents), fee: usd(feeCents) };
}

function ownOrder(state: MeisimState, dealer: Dealer, orderId: string): OrderRecord {
  const order = state.orders.find((o) => o.id === orderId && o.dealerId === dealer.id && o.type === "esim");
  if (!order) throw notFound(`Order ${orderId} not found`);
  return order;
}

/** US prepaid activations need the device and an address; refused with 400 like MeiSIM. */
/** imei (15 digits) and eid (hex; an EID's 32 digits) are malformed whenever given, whatever the product. */
function checkDevice(body: Record<string, unknown>): void {
  const imei = optionalString(body, "imei");
  const eid = optionalString(body, "eid");
  if (imei !== undefined && !/^\d{15}$/.test(imei)) throw badRequest("imei must be 15 digits");
  if (eid !== undefined && !/^[0-9A-Fa-f]{32}$/.test(eid)) throw badRequest("eid must be hex (32 characters)");
}

function checkUsPrepaid(body: Record<string, unknown>): void {
  if (!optionalString(body, "imei")) throw badRequest("imei is required for US prepaid (15 digits)");
  if (!optionalString(body, "eid")) throw badRequest("eid is required for US prepaid (hex)");
  const address = body.address;
  if (typeof address !== "object" || address === null) throw badRequest("address is required for US prepaid");
  for (const field of ["first_name", "last_name", "address_line_1", "city", "state", "zip_code", "phone"]) {
    const value = (address as Record<string, unknown>)[field];
    if (typeof value !== "string" || !value.trim()) throw badRequest(`address.${field} is required for US prepaid`);
  }
}

function orderResponse(order: OrderRecord, dealer: Dealer) {
  return {
    ok: true,
    orderId: order.id,
    shortId: order.shortId,
    unitPriceUsd: usd(order.unitPriceCents),
    totalUsd: usd(order.amountCents),
    newBalance: usd(dealer.balanceCents),
  };
}

export function walletRoutes(router: MeisimRouter, state: MeisimState, views: MeisimViews): void {
  router.route("GET", "/dealer/wallet", { auth: "dealer" }, ({ dealer }) => ({
    ok: true,
    balance: usd(dealer.balanceCents),
    markupPct: dealer.markupPct,
    resendFee: usd(dealer.resendFeeCents),
    company: dealer.company,
    email: dealer.email,
    transactions: dealer.transactions
      .slice(-50)
      .reverse()
      .map((t) => ({
        id: t.id,
        created_at: new Date(t.createdAt).toISOString(),
        type: t.type,
        amount_usd: usd(t.amountCents),
        balance_after_usd: usd(t.balanceAfterCents),
        description: t.description,
        stripe_session_id: t.stripeSessionId,
        related_order_id: t.relatedOrderId,
      })),
  }));

  router.route("GET", "/dealer/statement", { auth: "dealer" }, ({ req, dealer }) => {
    const to = dateParam(req.query.get("to"), "to") ?? state.now();
    const from = dateParam(req.query.get("from"), "from") ?? to - 90 * DAY;
    if (from > to) throw badRequest("from must not be after to");
    // `to` is a whole day: everything up to its end counts.
    const rows = dealer.transactions.filter((t) => t.createdAt >= from && t.createdAt < to + DAY);
    const csv = stringify([
      ["Date", "Type", "Amount USD", "Balance after USD", "Description", "Order ID", "Stripe session"],
      ...rows.map((t) => [
        new Date(t.createdAt).toISOString(),
        t.type,
        usd(t.amountCents).toFixed(2),
        usd(t.balanceAfterCents).toFixed(2),
        t.description,
        t.relatedOrderId,
        t.stripeSessionId,
      ]),
    ]);
    return new Raw({
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="statement.csv"' },
      body: csv,
    });
  });

  router.route("POST", "/dealer/topup", { auth: "dealer", group: "walletTopup" }, ({ req, dealer, origin }) => {
    const netCents = topupAmountCents(req.body);
    const payment = state.createPayment(dealer, netCents, "checkout");
    return { ok: true, checkoutUrl: `${origin}/__sim/checkout/${payment.id}`, ...feeFields(netCents) };
  });

  router.route("POST", "/dealer/topup-intent", { auth: "dealer", group: "walletTopupIntent" }, ({ req, dealer }) => {
    const netCents = topupAmountCents(req.body);
    const payment = state.createPayment(dealer, netCents, "intent");
    return { ok: true, clientSecret: `${payment.id}_secret_sim`, publishableKey: "pk_test_meisim_simulator", ...feeFields(netCents) };
  });

  router.route("GET", "/dealer/topup/preview", { auth: "dealer" }, ({ req }) => {
    const net = Number(req.query.get("net"));
    if (!Number.isFinite(net) || net <= 0) throw badRequest("net must be a positive amount");
    const { netAmt, grossAmt, fee } = feeFields(toCents(net));
    return { ok: true, net: netAmt, gross: grossAmt, fee };
  });

  router.route("POST", "/dealer/order", { auth: "dealer", group: "order" }, ({ req, dealer }) => {
    const productId = requiredString(req.body, "productId");
    const customerEmail = requiredEmail(req.body, "customerEmail");
    requiredString(req.body, "customerName");
    const quantity = optionalNumber(req.body, "quantity") ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 20) throw badRequest("quantity must be between 1 and 20");
    checkDevice(req.body);
    const product = PRODUCTS.find((p) => p.id === productId);
    if (!product) throw notFound(`Product ${productId} not found`);
    if (product.usPrepaid) checkUsPrepaid(req.body);
    const { order } = state.placeOrder(dealer, {
      item: product.id,
      unitPriceCents: product.priceCents,
      quantity,
      emailAddress: customerEmail,
    });
    return orderResponse(order, dealer);
  });

  router.route("POST", "/dealer/resend-email/:orderId", { auth: "dealer" }, ({ req, dealer }) => {
    const order = ownOrder(state, dealer, req.params.orderId!);
    const email = optionalEmail(req.body, "email") ?? order.emailAddress;
    if (!email) throw badRequest("The order has no email address; give one");
    state.debit(dealer, dealer.resendFeeCents, `Resend activation email for ${order.shortId}`, order.id);
    return views.resend({ sentTo: email, feeCents: dealer.resendFeeCents, balanceCents: dealer.balanceCents });
  });

  router.route("POST", "/dealer/replace/:orderId", { auth: "dealer" }, ({ req, dealer }) => {
    const original = ownOrder(state, dealer, req.params.orderId!);
    const bundle = state.bundle(original.bundleName ?? "");
    const product = PRODUCTS.find((p) => p.id === original.bundleName);
    const priceCents = bundle ? state.dealerPriceCents(dealer, bundle) : product?.priceCents;
    if (priceCents === undefined) throw notFound(`Product of order ${original.id} is no longer sold`);
    const { order } = state.placeOrder(dealer, {
      item: original.bundleName!,
      unitPriceCents: priceCents,
      quantity: 1,
      customerReference: original.customerReference,
      emailAddress: original.emailAddress,
      dataMb: bundle?.dataMb,
      validityDays: bundle?.validityDays,
    });
    return views.replace({ order, balanceCents: dealer.balanceCents });
  });

  // ── eSIM verification ───────────────────────────────────────────────
  router.route("POST", "/dealer/esim-verify", { auth: "dealer" }, ({ req, dealer }) => {
    const lpas = req.body.lpas;
    if (!Array.isArray(lpas) || lpas.length === 0) throw badRequest("No LPAs provided");
    if (lpas.length > MAX_VERIFY_LPAS) throw badRequest(`At most ${MAX_VERIFY_LPAS} LPAs per batch`);
    if (!lpas.every((l): l is string => typeof l === "string")) throw badRequest("lpas must be strings");
    optionalEmail(req.body, "notify_email");
    const cost = lpas.length * VERIFY_PRICE_CENTS;
    if (dealer.balanceCents < cost) throw insufficientFunds(dealer.balanceCents, cost);
    const batch = state.checks.create({
      dealerId: dealer.id,
      label: `Dealer ${dealer.company} · ${lpas.length} LPAs`,
      perRowCents: VERIFY_PRICE_CENTS,
      rows: lpas.map((lpa) => ({ lpa })),
      now: state.now(),
    });
    state.debit(dealer, cost, `eSIM verification: ${lpas.length} LPAs`, batch.id);
    return { ok: true, batch_id: batch.id, total_rows: lpas.length, charged_usd: usd(cost), wallet_balance_usd: usd(dealer.balanceCents) };
  });

  router.route("GET", "/dealer/esim-verify/:batchId", { auth: "dealer" }, ({ req, dealer }) => ({
    ok: true,
    ...state.checks.describe(ownBatch(state, dealer, req.params.batchId!), state.now()),
  }));

  router.route("GET", "/dealer/esim-verify/:batchId/results.csv", { auth: "dealer" }, ({ req, dealer }) =>
    resultsCsv(state, ownBatch(state, dealer, req.params.batchId!)),
  );
}

export function ownBatch(state: MeisimState, dealer: Dealer, batchId: string) {
  const batch = state.checks.batches.get(batchId);
  if (!batch || batch.dealerId !== dealer.id) throw notFound(`Batch ${batchId} not found`);
  return batch;
}

export function resultsCsv(state: MeisimState, batch: ReturnType<typeof ownBatch>): Raw {
  const csv = stringify([["iccid", "lpa", "status", "reason", "checked_at"], ...state.checks.results(batch, state.now())]);
  return new Raw({ headers: { "content-type": "text/csv; charset=utf-8" }, body: csv });
}
