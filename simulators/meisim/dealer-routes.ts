import { BUNDLES, COUNTRIES, NETWORKS, type SimNetwork } from "./catalog";
import { qrCodeIn } from "./qr-forms";
import type { MeisimViews } from "./dialects";
import type { MeisimRouter } from "./router";
import {
  badRequest,
  forbidden,
  notFound,
  optionalEmail,
  optionalNumber,
  optionalString,
  requiredEmail,
  requiredString,
  toCents,
  unauthorized,
  usd,
} from "./sim-error";
import type { Dealer, MeisimState, SimEsim } from "./state";

function ownEsim(state: MeisimState, dealer: Dealer, iccid: string): SimEsim {
  const esim = state.esims.get(iccid);
  if (!esim || esim.dealerId !== dealer.id) throw notFound(`No eSIM ${iccid} on this account`);
  return esim;
}

/**
 * Whether a SIM exists on a network: its number or serial must carry the
 * network's prefix, and (so tests have a missing SIM to ask about) numbers
 * ending in 9999 never exist.
 */
function simExists(network: SimNetwork, contactNumber: string | undefined, simSerialNumber: string | undefined): boolean {
  const id = contactNumber ?? simSerialNumber ?? "";
  const prefix = contactNumber ? network.dialPrefix : network.iccidPrefix;
  return id.startsWith(prefix) && !id.endsWith("9999");
}

function topupTarget(body: Record<string, unknown>) {
  const networkName = requiredString(body, "networkName");
  const network = NETWORKS.find((n) => n.name === networkName);
  if (!network) throw notFound(`Network ${networkName} not found`);
  const contactNumber = optionalString(body, "contactNumber");
  const simSerialNumber = optionalString(body, "simSerialNumber");
  if (!contactNumber === !simSerialNumber) throw badRequest("Give either contactNumber or simSerialNumber");
  return { network, contactNumber, simSerialNumber };
}

export function dealerRoutes(router: MeisimRouter, state: MeisimState, views: MeisimViews): void {
  // ── Auth ────────────────────────────────────────────────────────────
  router.route("POST", "/dealer/send-otp", { auth: "none", group: "otpSend", perIp: true }, ({ req }) => {
    const email = requiredEmail(req.body, "email");
    const dealer = state.dealerByEmail(email);
    if (!dealer) throw notFound(`No dealer account for ${email}`);
    if (dealer.status === "suspended") throw forbidden("Dealer account is suspended");
    state.sendOtp(email);
    return { sent: true };
  });

  router.route("POST", "/dealer/verify-otp", { auth: "none", group: "otpVerify", perIp: true }, ({ req }) => {
    const email = requiredEmail(req.body, "email");
    const code = requiredString(req.body, "code");
    state.verifyOtp(email, code);
    return { verified: true, apiKey: state.dealerByEmail(email)!.apiKey };
  });

  router.route("POST", "/dealer/auth/set-password", { auth: "dealerKey" }, ({ req, dealer }) => {
    const email = requiredEmail(req.body, "email");
    const password = requiredString(req.body, "password");
    if (email.toLowerCase() !== dealer.email) throw badRequest("email does not match this dealer key");
    if (password.length < 8) throw badRequest("password must be at least 8 characters");
    if (dealer.password !== null) throw badRequest("Password is already set");
    dealer.password = password;
    return { ok: true };
  });

  router.route("POST", "/dealer/auth/login", { auth: "none", group: "login", perIp: true }, ({ req }) => {
    const email = requiredEmail(req.body, "email");
    const password = requiredString(req.body, "password");
    const dealer = state.dealerByEmail(email);
    if (!dealer || dealer.password === null || dealer.password !== password) throw unauthorized("Invalid email or password");
    if (dealer.status !== "approved") throw forbidden(`Dealer account is ${dealer.status}`);
    return { ok: true, ...state.issueToken("dealer", dealer.id), dealer: { id: dealer.id, email: dealer.email, company: dealer.company } };
  });

  // ── Account ─────────────────────────────────────────────────────────
  router.route("GET", "/api/v1/me", { auth: "dealer", group: "read" }, ({ dealer }) => ({
    id: dealer.id,
    company_name: dealer.company,
    email: dealer.email,
    status: dealer.status,
  }));

  router.route("GET", "/api/v1/orders", { auth: "dealer", group: "read" }, ({ dealer }) =>
    state
      .ordersOf(dealer)
      .slice(-100)
      .reverse()
      .map((o) => ({
        id: o.id,
        order_type: o.type,
        bundle_name: o.bundleName,
        customer_reference: o.customerReference,
        email_address: o.emailAddress,
        iccid: o.iccid,
        amount: usd(o.amountCents),
        status: o.status,
        created_at: new Date(o.createdAt).toISOString(),
      })),
  );

  // ── eSIM ────────────────────────────────────────────────────────────
  router.route("GET", "/api/v1/esim/countries", { auth: "dealer", group: "read" }, () => views.countries(COUNTRIES));

  router.route("POST", "/api/v1/esim/bundles", { auth: "dealer", group: "read" }, ({ req, dealer }) => {
    const iso = optionalString(req.body, "countryISO")?.toUpperCase();
    const countryName = optionalString(req.body, "countryName")?.toLowerCase();
    const region = optionalString(req.body, "region")?.toLowerCase();
    const pageNumber = optionalNumber(req.body, "pageNumber") ?? 1;
    const pageSize = optionalNumber(req.body, "pageSize") ?? 20;
    if (!Number.isInteger(pageNumber) || pageNumber < 1) throw badRequest("pageNumber must be a positive integer");
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw badRequest("pageSize must be between 1 and 100");
    const byName = countryName === undefined ? undefined : (COUNTRIES.find((c) => c.name.toLowerCase() === countryName)?.iso ?? "??");
    const matching = BUNDLES.filter(
      (b) =>
        (iso === undefined || b.countries.some((c) => c.iso === iso)) &&
        (byName === undefined || b.countries.some((c) => c.iso === byName)) &&
        (region === undefined || b.region.toLowerCase() === region),
    );
    const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return views.bundles({
      items: page.map((bundle) => ({ bundle, priceCents: state.dealerPriceCents(dealer, bundle) })),
      pageNumber,
      pageSize,
      total: matching.length,
    });
  });

  router.route("POST", "/api/v1/esim/order", { auth: "dealer", group: "order" }, async ({ req, dealer, origin }) => {
    const bundleName = requiredString(req.body, "bundleName");
    const emailAddress = optionalEmail(req.body, "emailAddress");
    const customerReference = optionalString(req.body, "customerReference");
    if (req.body.qrToCustomer === true && !emailAddress) throw badRequest("emailAddress is required when qrToCustomer is true");
    const bundle = state.bundle(bundleName);
    if (!bundle) throw notFound(`Bundle ${bundleName} not found`);
    const priceCents = state.dealerPriceCents(dealer, bundle);
    const { order, esim } = state.placeOrder(dealer, {
      item: bundle.name,
      unitPriceCents: priceCents,
      quantity: 1,
      customerReference,
      emailAddress,
      dataMb: bundle.dataMb,
      validityDays: bundle.validityDays,
    });
    const qrCode = await qrCodeIn(state.qrCodeForm, esim, origin);
    return views.order({ order, esim, bundle, priceCents, customerReference, origin, qrCode });
  });

  router.route("POST", "/api/v1/esim/details", { auth: "dealer", group: "read" }, ({ req, dealer }) => {
    const esim = ownEsim(state, dealer, requiredString(req.body, "iccid"));
    const activated = esim.activatedAt;
    return views.details({
      esim,
      activatedAt: activated === null ? null : new Date(activated).toISOString(),
      expiresAt: activated === null ? null : new Date(activated + esim.validityDays * 86_400_000).toISOString(),
    });
  });

  router.route("POST", "/api/v1/esim/revoke", { auth: "dealer", group: "revoke" }, ({ req, dealer }) => {
    const esim = ownEsim(state, dealer, requiredString(req.body, "iccid"));
    if (esim.state === "REVOKED") throw badRequest(`eSIM ${esim.iccid} is already revoked`);
    esim.state = "REVOKED";
    const order = state.orders.find((o) => o.id === esim.orderId);
    if (order) order.status = "revoked";
    return views.revoke(esim);
  });

  // ── Top-up ──────────────────────────────────────────────────────────
  router.route("GET", "/api/v1/topup/networks", { auth: "dealer", group: "read" }, () => views.networks(NETWORKS));

  router.route("POST", "/api/v1/topup/confirm", { auth: "dealer", group: "order" }, ({ req }) => {
    const { network, contactNumber, simSerialNumber } = topupTarget(req.body);
    if (!simExists(network, contactNumber, simSerialNumber))
      throw notFound(`No SIM ${contactNumber ?? simSerialNumber} on ${network.name}`);
    return views.confirm({ network, contactNumber, simSerialNumber });
  });

  router.route("POST", "/api/v1/topup/recharge", { auth: "dealer", group: "order" }, ({ req, dealer }) => {
    const { network, contactNumber, simSerialNumber } = topupTarget(req.body);
    const topUpValue = optionalNumber(req.body, "topUpValue");
    if (topUpValue === undefined) throw badRequest("topUpValue is required");
    if (topUpValue < network.minTopUp || topUpValue > network.maxTopUp) {
      throw badRequest(`topUpValue must be between ${network.minTopUp} and ${network.maxTopUp} ${network.currency}`);
    }
    const productCode = optionalString(req.body, "bundleProductCode");
    const addOn = productCode === undefined ? undefined : network.bundles.find((b) => b.productCode === productCode);
    if (productCode !== undefined && !addOn) throw notFound(`Bundle ${productCode} not found on ${network.name}`);
    if (!simExists(network, contactNumber, simSerialNumber))
      throw notFound(`No SIM ${contactNumber ?? simSerialNumber} on ${network.name}`);
    const local = topUpValue + (addOn?.value ?? 0);
    const chargedCents = Math.round(toCents(local * network.usdRate) * (1 + dealer.markupPct / 100));
    const order = state.recordTopupOrder(dealer, chargedCents, network.name);
    return views.recharge({ transactionId: order.id, network, topUpValue, chargedCents });
  });
}
