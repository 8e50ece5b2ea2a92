/**
 * The simulated MIOeSIM back office: accounts, tokens, inventory, orders and
 * cards, with the business rules the docs describe. Methods return the wire
 * shapes MIOeSIM sends and throw SimApiError for its error codes; routes.ts
 * does the HTTP, signing and envelope work.
 */
import { createHash, randomInt } from "node:crypto";
import { CATALOG, DISTRIBUTION_PARTNERS, type SimPackage, type SimSku } from "./catalog";

export class SimApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** How getESIMDetail treats the account: the two refusals are 400108 and 400109. */
export type EsimDetailAccess = "allowed" | "ip-not-whitelisted" | "not-enabled";

export interface SimAccount {
  phone: string;
  password: string;
  secret: string;
  esimDetailAccess: EsimDetailAccess;
  dpIds: string[];
}

export type DpStatus = "Enable" | "ACTIVE" | "Disable" | "Delete";

/**
 * Outcomes forced through `sim.faults.forced` (or POST /__sim/faults), each
 * for as many calls as its count:
 * - `tokenExpired` (-1), `badSign` (-30) on any signed call;
 * - `outOfStock`: verifyResource says no (in the dialect's form) and
 *   addEsimOrder fails with -3;
 * - `pdfError`: 99 from addEsimOrder (after the order exists) or getOrderInfo;
 * - `pendingOrder`: the next addEsimOrder answers status -1 (unpaid) with an
 *   empty cardApiDtoList; the order becomes 0 with its cards once it has been
 *   looked up `pendingLookups` times (dialects with getOrderInfo) or when a
 *   test calls `deliverPendingOrders()`;
 * - `answerLost`: the next addEsimOrder/refundOrder is processed but its
 *   answer never sent (the client times out);
 * - `answerGarbled`: the next addEsimOrder/refundOrder is processed and
 *   answered with an HTML error page under HTTP 200;
 * - `refundAcknowledged`: the next refundOrder is processed (the order goes
 *   to 6/7 and settles as usual) but answered, in any dialect, with a bare
 *   acknowledgement: code 0 and data null, no order status.
 */
export type MioesimForcedFault =
  | "tokenExpired"
  | "badSign"
  | "outOfStock"
  | "pdfError"
  | "pendingOrder"
  | "answerLost"
  | "answerLostUnplaced"
  | "answerGarbled"
  | "refundAcknowledged";

export interface MioesimSimOptions {
  /** Token lifetime; MIOeSIM's is 2 hours. Fractions allowed, for expiry tests. */
  tokenTtlSeconds?: number;
  /** How long a refund stays "in process" (status 6/7) before it settles to 2/4. */
  refundSettleMs?: number;
  /** Data an active card uses per minute, so usage moves in a demo; 0 leaves usage to the test hooks. */
  usageMbPerMinute?: number;
  /** Where the simulator's time comes from; `advance()` moves it on from there. Default Date.now. */
  clock?: () => number;
  /** How many getOrderInfo look-ups still see a `pendingOrder` unpaid (-1) before it is delivered. Default 1. */
  pendingLookups?: number;
  /** Extra accounts besides the demo one (for 22 and the getESIMDetail refusals). */
  accounts?: Array<Pick<SimAccount, "phone" | "password" | "secret"> & Partial<SimAccount>>;
}

interface PlanRecord {
  orderNum: string;
  skuId: number;
  priceId: number;
  startedAt: number | null;
  endedAt: number;
  usedMb: number;
}

interface SimCard {
  iccid: string;
  owner: string;
  skuId: number;
  priceId: number;
  /** The order whose plan the card runs now (a renewal replaces it). */
  orderNum: string;
  mainOrderNum: string;
  physical: boolean;
  smdpAddress: string;
  activationCode: string;
  mobileNumber: string;
  dpId: string | null;
  /** null until the profile is downloaded to a device. */
  dpStatus: DpStatus | null;
  eid: string | null;
  activatedAt: number | null;
  extraUsageMb: number;
  activateBefore: number;
  refunded: boolean;
  otherItemId: string | null;
  history: PlanRecord[];
}

interface SimOrder {
  orderNum: string;
  owner: string;
  skuId: number;
  priceId: number;
  count: number;
  priceCents: number;
  status: number;
  /** A refund in process: the status it settles to, and when. */
  settling: { status: 2 | 4; at: number } | null;
  /** An unpaid (-1) order from the `pendingOrder` fault: look-ups left before it is delivered. */
  pending: { lookupsLeft: number } | null;
  /** The distribution partner of a physical SIM order. */
  dpId: string | null;
  createdAt: number;
  renew: 0 | 1;
  mainOrderNum: string | null;
  renewOrderNums: string[];
  otherOrderId: string | null;
  otherItemId: string | null;
  iccids: string[];
}

export interface PlaceOrderRequest {
  skuId: number;
  priceId: number;
  count: number;
  withCards: boolean;
  otherOrderId?: string;
  otherItemId?: string;
  dpId?: string;
  iccid?: string;
}

const DAY_MS = 86_400_000;
const GMT8_MS = 8 * 3_600_000;
const SMDP_ADDRESS = "rsp.mioesim-sim.test";
const MAX_ORDER_COUNT = 100;
export const MAX_ICCIDS_PER_QUERY = 100;

export const DEMO_ACCOUNT = { phone: "13800000000", password: "demo-password", secret: "demo-mioesim-secret" } as const;

/** "2024-01-24 10:20:30" in GMT+8, MIOeSIM's clock. */
function gmt8(ms: number): string {
  return new Date(ms + GMT8_MS).toISOString().slice(0, 19).replace("T", " ");
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

function dataMbOf(pkg: SimPackage): number {
  const perPeriod = pkg.unit === "GB" ? pkg.flows * 1024 : pkg.flows;
  return pkg.supportDaypass ? perPeriod * pkg.days : perPeriod;
}

export class MioesimSimState {
  /** Set once the server listens; card PDF links point here. */
  publicUrl = "";
  private readonly accounts = new Map<string, SimAccount>();
  private readonly tokens = new Map<string, { phone: string; expiresAt: number }>();
  private readonly skus = new Map(CATALOG.map((sku) => [sku.skuId, sku]));
  private readonly stock = new Map(CATALOG.flatMap((sku) => sku.packages.map((pkg) => [pkg.priceId, pkg.initialStock])));
  private readonly orders = new Map<string, SimOrder>();
  private readonly cards = new Map<string, SimCard>();
  private sequence = 0;
  private readonly iccidBlock = String(randomInt(1_000_000)).padStart(6, "0");
  private readonly tokenTtlMs: number;
  private readonly refundSettleMs: number;
  private readonly usageMbPerMinute: number;
  private readonly pendingLookups: number;
  private readonly clock: () => number;
  private offsetMs = 0;

  constructor(
    options: MioesimSimOptions = {},
    /** Consumes a forced fault set on the SimServer. */
    private readonly takeForced: (name: MioesimForcedFault) => boolean = () => false,
  ) {
    this.tokenTtlMs = (options.tokenTtlSeconds ?? 7_200) * 1_000;
    this.refundSettleMs = options.refundSettleMs ?? 3_000;
    this.usageMbPerMinute = options.usageMbPerMinute ?? 5;
    this.pendingLookups = options.pendingLookups ?? 1;
    this.clock = options.clock ?? Date.now;
    for (const account of [{ ...DEMO_ACCOUNT, dpIds: [...DISTRIBUTION_PARTNERS.keys()] }, ...(options.accounts ?? [])])
      this.addAccount(account);
  }

  // ---- time

  /** The simulator's time: every expiry, plan end and time-based usage is measured against it. */
  now(): number {
    return this.clock() + this.offsetMs;
  }

  /** Test hook (also POST /__sim/advance): moves simulator time forward; plans run out and tokens lapse as if it had passed. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  // ---- accounts and tokens

  addAccount(account: Pick<SimAccount, "phone" | "password" | "secret"> & Partial<SimAccount>): void {
    this.accounts.set(account.phone, { esimDetailAccess: "allowed", dpIds: [], ...account });
  }

  account(phone: string): SimAccount | undefined {
    return this.accounts.get(phone);
  }

  setEsimDetailAccess(phone: string, access: EsimDetailAccess): void {
    this.requireAccount(phone).esimDetailAccess = access;
  }

  issueToken(account: SimAccount): string {
    const serial = ++this.sequence;
    const token = `${10_000 + serial}-${md5(`${account.phone}:${serial}`).toUpperCase()}`;
    this.tokens.set(token, { phone: account.phone, expiresAt: this.now() + this.tokenTtlMs });
    return token;
  }

  /** The account a live token belongs to; undefined when unknown or expired. */
  accountForToken(token: string): SimAccount | undefined {
    const session = this.tokens.get(token);
    if (!session || session.expiresAt <= this.now()) return undefined;
    return this.accounts.get(session.phone);
  }

  /** Test hook: every issued token lapses now. */
  expireTokens(): void {
    for (const session of this.tokens.values()) session.expiresAt = 0;
  }

  // ---- catalog

  listSkus() {
    return CATALOG.filter((sku) => !sku.physical).map(skuRow);
  }

  listSkuGroups() {
    const groups = new Map<string, ReturnType<typeof skuRow>[]>();
    for (const sku of CATALOG.filter((s) => !s.physical)) groups.set(sku.group, [...(groups.get(sku.group) ?? []), skuRow(sku)]);
    return [...groups].map(([groupName, skuList]) => ({ groupName, skuList }));
  }

  packagesOf(skuId: number, keep: (pkg: SimPackage) => boolean = () => true) {
    const sku = this.sku(skuId);
    return {
      skuid: sku.skuId,
      displayEn: sku.display,
      esimPackageDtoList: sku.packages.filter(keep).map((pkg) => ({
        flows: pkg.flows,
        days: pkg.days,
        unit: pkg.unit,
        price: pkg.price,
        priceid: pkg.priceId,
        flowType: pkg.flowType,
        supportDaypass: pkg.supportDaypass,
        apiCode: pkg.apiCode,
        premark: pkg.premark,
      })),
      supportCountry: sku.supportCountries,
    };
  }

  /** Cards in stock for the package, and whether they cover `count`; the routes answer it in the dialect's form. */
  verifyResource(skuId: number, priceId: number, count: number): { stock: number; enough: boolean } {
    this.packageOf(skuId, priceId);
    const stock = this.takeForced("outOfStock") ? 0 : (this.stock.get(priceId) ?? 0);
    return { stock, enough: stock >= count };
  }

  dpSkus(account: SimAccount, dpId: string) {
    const skuIds = account.dpIds.includes(dpId) ? DISTRIBUTION_PARTNERS.get(dpId) : undefined;
    if (!skuIds) throw new SimApiError(3, `Distribution partner ${dpId} does not exist`);
    return skuIds.map((id) => skuRow(this.sku(id)));
  }

  /** Test hook. */
  setStock(priceId: number, count: number): void {
    this.stock.set(priceId, count);
  }

  // ---- orders

  placeOrder(account: SimAccount, request: PlaceOrderRequest) {
    const sku = this.sku(request.skuId);
    const pkg = this.packageOf(request.skuId, request.priceId);
    if (sku.physical && !request.dpId) throw new SimApiError(-10, "dpId is null");
    if (request.dpId && !(account.dpIds.includes(request.dpId) && DISTRIBUTION_PARTNERS.get(request.dpId)?.includes(sku.skuId))) {
      throw new SimApiError(3, `Distribution partner ${request.dpId} does not exist or does not carry SKU ${sku.skuId}`);
    }
    if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_ORDER_COUNT) {
      throw new SimApiError(-3, `count must be between 1 and ${MAX_ORDER_COUNT}`);
    }
    const renewing = request.iccid ? this.renewableCard(account, request.iccid, sku, pkg, request.count) : null;
    const left = this.stock.get(pkg.priceId) ?? 0;
    if (this.takeForced("outOfStock") || (!renewing && left < request.count))
      throw new SimApiError(-3, "Insufficient card inventory for this package");

    const now = this.now();
    // Unpaid: MIOeSIM has not allocated cards yet (docs, status -1).
    const unpaid = !renewing && this.takeForced("pendingOrder");
    const order: SimOrder = {
      orderNum: `EP${gmt8(now).slice(0, 10).replaceAll("-", "")}${String(++this.sequence).padStart(6, "0")}`,
      owner: account.phone,
      skuId: sku.skuId,
      priceId: pkg.priceId,
      count: request.count,
      priceCents: Math.round(pkg.price * 100) * request.count,
      status: unpaid ? -1 : 0,
      settling: null,
      pending: unpaid ? { lookupsLeft: this.pendingLookups } : null,
      dpId: request.dpId ?? null,
      createdAt: now,
      renew: renewing ? 1 : 0,
      mainOrderNum: renewing?.mainOrderNum ?? null,
      renewOrderNums: [],
      otherOrderId: request.otherOrderId ?? null,
      otherItemId: request.otherItemId ?? null,
      iccids: [],
    };
    this.orders.set(order.orderNum, order);
    if (renewing) {
      this.orders.get(renewing.mainOrderNum)?.renewOrderNums.push(order.orderNum);
      this.startRenewal(renewing, order, pkg);
    } else {
      this.stock.set(pkg.priceId, left - request.count);
      if (!unpaid) this.issueCards(order);
    }
    // MIOeSIM reports a failed PDF after the order exists: the caller cannot tell from the answer.
    if (this.takeForced("pdfError")) throw new SimApiError(99, "PDF generation failed: file exception");
    return this.orderRow(order, request.withCards);
  }

  /** The order as MIOeSIM would report it; a pure read (tests use it to see upstream state). */
  orderInfo(account: SimAccount, lookup: { orderNum?: string; otherOrderId?: string }) {
    return this.orderRow(this.findOrder(account, lookup), true);
  }

  /**
   * getOrderInfo (a look-up the docs do not name; only dialects that serve
   * it call this). A `pendingOrder` is delivered once it has been looked up
   * `pendingLookups` times. An order made less than `hiddenForMs` ago is
   * not found yet (3).
   */
  lookupOrder(account: SimAccount, lookup: { orderNum?: string; otherOrderId?: string }, hiddenForMs = 0) {
    if (this.takeForced("pdfError")) throw new SimApiError(99, "PDF generation failed: file exception");
    const order = this.findOrder(account, lookup);
    // The late-history variant: MIOeSIM's records show an order only some time after it was made.
    if (order.createdAt > this.now() - hiddenForMs)
      throw new SimApiError(3, `Order ${lookup.orderNum ?? lookup.otherOrderId} does not exist`);
    if (order.pending) {
      if (order.pending.lookupsLeft > 0) order.pending.lookupsLeft -= 1;
      else this.deliver(order);
    }
    return this.orderRow(order, true);
  }

  /** Test hook: every unpaid order from the `pendingOrder` fault is paid and gets its cards now. */
  deliverPendingOrders(): void {
    for (const order of this.orders.values()) if (order.pending) this.deliver(order);
  }

  private findOrder(account: SimAccount, lookup: { orderNum?: string; otherOrderId?: string }): SimOrder {
    if (lookup.orderNum) return this.ownOrder(account, lookup.orderNum);
    const tagged = [...this.orders.values()].filter((o) => o.owner === account.phone && o.otherOrderId === lookup.otherOrderId);
    const latest = tagged.at(-1);
    if (!latest) throw new SimApiError(3, `No order with otherOrderId ${lookup.otherOrderId}`);
    return this.refreshed(latest);
  }

  private deliver(order: SimOrder): void {
    order.status = 0;
    this.issueCards(order);
  }

  private issueCards(order: SimOrder): void {
    const sku = this.sku(order.skuId);
    order.pending = null;
    for (let i = 0; i < order.count; i++) order.iccids.push(this.issueCard(order, sku, order.dpId).iccid);
  }

  /**
   * Cancels the whole order (→ 6, then 2) or some of its cards (→ 7, then
   * 4). Refused with 4 when the order is not active or a card is activated,
   * and with -3 when the package's premark makes it non-refundable.
   */
  refundOrder(account: SimAccount, orderNum: string, iccids: string[] | undefined, settleAtOnce = false) {
    const order = this.ownOrder(account, orderNum);
    if (order.status !== 0 && order.status !== 4)
      throw new SimApiError(4, `Order status abnormal: order ${orderNum} is in status ${order.status}`);
    const remaining = order.iccids.filter((iccid) => !this.cards.get(iccid)!.refunded);
    const chosen = iccids ? [...new Set(iccids)] : remaining;
    for (const iccid of chosen) {
      if (!remaining.includes(iccid)) throw new SimApiError(-3, `ICCID ${iccid} is not an active card of order ${orderNum}`);
      if (this.cards.get(iccid)!.activatedAt !== null) throw new SimApiError(4, `Order status abnormal: card ${iccid} has been activated`);
    }
    if (!this.packageOf(order.skuId, order.priceId).refundable) throw new SimApiError(-3, "This package is non-refundable");
    for (const iccid of chosen) {
      const card = this.cards.get(iccid)!;
      card.refunded = true;
      card.dpStatus = "Disable";
    }
    const whole = chosen.length === remaining.length;
    order.status = whole ? 6 : 7;
    order.settling = { status: whole ? 2 : 4, at: settleAtOnce ? this.now() : this.now() + this.refundSettleMs };
    return this.orderRow(order, true);
  }

  /** Test hook: refunds in process finish now. */
  settleRefunds(): void {
    for (const order of this.orders.values()) if (order.settling) order.settling.at = 0;
  }

  /** Test hook: forces any documented status (e.g. -1 unpaid, 3 void). */
  setOrderStatus(orderNum: string, status: number): void {
    const order = this.requireOrder(orderNum);
    order.status = status;
    order.settling = null;
    order.pending = null;
  }

  /** How many orders carry this otherOrderId, across accounts; tests use it to prove an order was placed once. */
  ordersTagged(otherOrderId: string): number {
    return [...this.orders.values()].filter((order) => order.otherOrderId === otherOrderId).length;
  }

  /** How many orders carry this otherOrderId and still stand (not cancelled, 2, nor void, 3); the fault benchmark checks refunds against it. */
  standingOrdersTagged(otherOrderId: string): number {
    return [...this.orders.values()].filter(
      (order) => order.otherOrderId === otherOrderId && ![2, 3].includes(this.refreshed(order).status),
    ).length;
  }

  /** How many orders an account holds; tests use it to prove nothing was ordered twice. */
  orderCount(phone: string = DEMO_ACCOUNT.phone): number {
    return [...this.orders.values()].filter((order) => order.owner === phone).length;
  }

  // ---- cards

  iccidSupportSkus(account: SimAccount, iccid: string) {
    const card = this.ownCard(account, iccid, -3);
    return this.isRenewable(card) ? [skuRow(this.sku(card.skuId))] : [];
  }

  iccidSupportPackages(account: SimAccount, iccid: string, skuId: number) {
    const card = this.ownCard(account, iccid, -3);
    if (!this.isRenewable(card) || skuId !== card.skuId) throw new SimApiError(-3, `SKU ${skuId} cannot renew ICCID ${iccid}`);
    return this.packagesOf(skuId, (pkg) => pkg.flowType === 0);
  }

  esimDetail(account: SimAccount, iccid: string) {
    if (account.esimDetailAccess === "ip-not-whitelisted") throw new SimApiError(400108, "Access denied: IP address is not whitelisted");
    if (account.esimDetailAccess === "not-enabled") throw new SimApiError(400109, "Access not supported for this account");
    return this.cardStatusRow(this.ownCard(account, iccid, -3));
  }

  /** Cards of other accounts and unknown ICCIDs are simply not reported. */
  queryIccids(account: SimAccount, iccids: string[]) {
    if (iccids.length > MAX_ICCIDS_PER_QUERY)
      throw new SimApiError(-8, `Query failed: at most ${MAX_ICCIDS_PER_QUERY} ICCIDs per request, got ${iccids.length}`);
    const malformed = iccids.find((iccid) => !/^\d{18,20}$/.test(iccid));
    if (malformed !== undefined) throw new SimApiError(-8, `Query failed: "${malformed}" is not an ICCID`);
    return iccids
      .map((iccid) => this.cards.get(iccid))
      .filter((card): card is SimCard => card?.owner === account.phone)
      .map((card) => this.cardStatusRow(card));
  }

  historyOf(account: SimAccount, iccid: string) {
    const card = this.ownCard(account, iccid, 3);
    const current = this.usage(card);
    const plans = [
      ...card.history,
      {
        orderNum: card.orderNum,
        skuId: card.skuId,
        priceId: card.priceId,
        startedAt: card.activatedAt,
        endedAt: current.endsAt ?? 0,
        usedMb: current.usedMb,
      },
    ];
    return plans.map((plan) => {
      const sku = this.sku(plan.skuId);
      const pkg = this.packageOf(plan.skuId, plan.priceId);
      return {
        orderNum: plan.orderNum,
        skuId: sku.skuId,
        priceId: pkg.priceId,
        display: sku.display,
        flows: pkg.flows,
        unit: pkg.unit,
        days: pkg.days,
        usedMB: plan.usedMb,
        startDate: plan.startedAt === null ? null : gmt8(plan.startedAt),
        endDate: plan.endedAt ? gmt8(plan.endedAt) : null,
        status: this.refreshed(this.requireOrder(plan.orderNum)).status,
      };
    });
  }

  /** Test hook: the customer downloads the profile to a device. */
  installCard(iccid: string): void {
    const card = this.requireCard(iccid);
    card.dpStatus = "Enable";
    card.eid = `89049032${md5(iccid).replace(/\D/g, "").padEnd(24, "0").slice(0, 24)}`;
  }

  /** Test hook: the plan starts on the network; usage then grows with time. */
  activateCard(iccid: string, at: number = this.now()): void {
    const card = this.requireCard(iccid);
    if (!card.eid) this.installCard(iccid);
    card.dpStatus = "ACTIVE";
    card.activatedAt = at;
  }

  /** Test hook: data used on top of the time-based usage. */
  addUsage(iccid: string, mb: number): void {
    this.requireCard(iccid).extraUsageMb += mb;
  }

  /** Test hook (also POST /__sim/cards/:iccid/usage): the card's plan has used `mb`, time-based usage included; a card not yet active is activated now. */
  setUsage(iccid: string, mb: number): void {
    const card = this.requireCard(iccid);
    if (card.activatedAt === null) this.activateCard(iccid);
    card.extraUsageMb = mb - this.usageByTimeMb(card);
  }

  /** Test hook. */
  setCardStatus(iccid: string, dpStatus: DpStatus): void {
    this.requireCard(iccid).dpStatus = dpStatus;
  }

  // ---- internals

  private sku(skuId: number): SimSku {
    const sku = this.skus.get(skuId);
    if (!sku) throw new SimApiError(-3, `SKU ${skuId} does not exist`);
    return sku;
  }

  private packageOf(skuId: number, priceId: number): SimPackage {
    const pkg = this.sku(skuId).packages.find((p) => p.priceId === priceId);
    if (!pkg) throw new SimApiError(-3, `Package ${priceId} does not exist in SKU ${skuId}`);
    return pkg;
  }

  private requireAccount(phone: string): SimAccount {
    const account = this.accounts.get(phone);
    if (!account) throw new Error(`No simulated account ${phone}`);
    return account;
  }

  private requireOrder(orderNum: string): SimOrder {
    const order = this.orders.get(orderNum);
    if (!order) throw new SimApiError(3, `Order ${orderNum} does not exist`);
    return order;
  }

  private requireCard(iccid: string): SimCard {
    const card = this.cards.get(iccid);
    if (!card) throw new Error(`No simulated card ${iccid}`);
    return card;
  }

  /** 22 when another account placed the order: it is not this caller's "personal" order. */
  private ownOrder(account: SimAccount, orderNum: string): SimOrder {
    const order = this.requireOrder(orderNum);
    if (order.owner !== account.phone) throw new SimApiError(22, `Order ${orderNum} is not a personal order of this account`);
    return this.refreshed(order);
  }

  private ownCard(account: SimAccount, iccid: string, notFoundCode: -3 | 3): SimCard {
    const card = this.cards.get(iccid);
    if (!card) throw new SimApiError(notFoundCode, `ICCID ${iccid} does not exist`);
    if (card.owner !== account.phone) throw new SimApiError(22, `ICCID ${iccid} is not a personal card of this account`);
    return card;
  }

  private isRenewable(card: SimCard): boolean {
    return !card.refunded && card.dpStatus !== "Delete" && !card.physical && this.packageOf(card.skuId, card.priceId).flowType === 0;
  }

  private renewableCard(account: SimAccount, iccid: string, sku: SimSku, pkg: SimPackage, count: number): SimCard {
    const card = this.ownCard(account, iccid, -3);
    const current = this.refreshed(this.requireOrder(card.orderNum));
    if (card.refunded || card.dpStatus === "Delete" || (current.status !== 0 && current.status !== 5)) {
      throw new SimApiError(
        4,
        `Order status abnormal: card ${iccid} (order ${current.orderNum}, status ${current.status}) cannot be renewed`,
      );
    }
    if (!this.isRenewable(card) || pkg.flowType !== 0 || sku.skuId !== card.skuId) {
      throw new SimApiError(
        -3,
        `Package ${pkg.priceId} cannot renew ICCID ${iccid}: only flowType 0 packages of SKU ${card.skuId} renew it`,
      );
    }
    if (count !== 1) throw new SimApiError(-3, "A renewal order is for exactly one card");
    return card;
  }

  /** The simulator starts a renewal at once: the running plan ends and goes to history. */
  private startRenewal(card: SimCard, order: SimOrder, pkg: SimPackage): void {
    const now = this.now();
    const current = this.usage(card);
    card.history.push({
      orderNum: card.orderNum,
      skuId: card.skuId,
      priceId: card.priceId,
      startedAt: card.activatedAt,
      endedAt: now,
      usedMb: current.usedMb,
    });
    card.orderNum = order.orderNum;
    card.priceId = pkg.priceId;
    card.extraUsageMb = 0;
    if (card.activatedAt !== null) card.activatedAt = now;
    order.iccids.push(card.iccid);
  }

  private issueCard(order: SimOrder, sku: SimSku, dpId: string | null): SimCard {
    const serial = ++this.sequence;
    // Unique across simulator instances, as real ICCIDs are: tests that share one database start several.
    const iccid = `8985202${this.iccidBlock}${String(serial).padStart(6, "0")}`;
    const card: SimCard = {
      iccid,
      owner: order.owner,
      skuId: sku.skuId,
      priceId: order.priceId,
      orderNum: order.orderNum,
      mainOrderNum: order.orderNum,
      physical: sku.physical,
      smdpAddress: SMDP_ADDRESS,
      activationCode: md5(`activation:${iccid}`).slice(0, 16).toUpperCase(),
      mobileNumber: `+8526${String(serial).padStart(7, "0")}`,
      dpId,
      // A plastic card carries its profile from the start: "Enable" (plan not started) until it is used.
      dpStatus: sku.physical ? "Enable" : null,
      eid: null,
      activatedAt: null,
      extraUsageMb: 0,
      activateBefore: order.createdAt + 30 * DAY_MS,
      refunded: false,
      otherItemId: order.otherItemId,
      history: [],
    };
    this.cards.set(iccid, card);
    return card;
  }

  private usage(card: SimCard): { usedMb: number; totalMb: number; endsAt: number | null } {
    const pkg = this.packageOf(card.skuId, card.priceId);
    const totalMb = dataMbOf(pkg);
    if (card.activatedAt === null) return { usedMb: 0, totalMb, endsAt: null };
    return {
      usedMb: Math.min(totalMb, Math.max(0, card.extraUsageMb + this.usageByTimeMb(card))),
      totalMb,
      endsAt: card.activatedAt + pkg.days * DAY_MS,
    };
  }

  /** The demo's steady use since activation (usageMbPerMinute). */
  private usageByTimeMb(card: SimCard): number {
    if (card.activatedAt === null) return 0;
    return Math.max(0, Math.floor(((this.now() - card.activatedAt) / 60_000) * this.usageMbPerMinute));
  }

  /** Applies what time has done: refunds settle, and an order whose plans are all over is Ended (5). */
  private refreshed(order: SimOrder): SimOrder {
    const now = this.now();
    if (order.settling && order.settling.at <= now) {
      order.status = order.settling.status;
      order.settling = null;
    }
    const planOver = (iccid: string) => {
      const card = this.cards.get(iccid)!;
      if (card.orderNum !== order.orderNum) return true;
      const usage = this.usage(card);
      return usage.endsAt !== null && (usage.usedMb >= usage.totalMb || usage.endsAt <= now);
    };
    if (order.status === 0 && order.iccids.length > 0 && order.iccids.every(planOver)) order.status = 5;
    return order;
  }

  private orderRow(order: SimOrder, withCards: boolean) {
    this.refreshed(order);
    return {
      orderNum: order.orderNum,
      display: this.sku(order.skuId).display,
      purchaseDate: gmt8(order.createdAt),
      count: order.count,
      price: order.priceCents / 100,
      status: order.status,
      renewal: order.renew === 1,
      renew: order.renew,
      ...(order.mainOrderNum ? { mainOrderNum: order.mainOrderNum } : {}),
      renewOrderNum: order.renewOrderNums,
      priceId: order.priceId,
      otherOrderId: order.otherOrderId,
      otherItemId: order.otherItemId,
      ...(withCards ? { cardApiDtoList: order.iccids.map((iccid) => this.cardRow(this.cards.get(iccid)!)) } : {}),
    };
  }

  private cardRow(card: SimCard) {
    const pkg = this.packageOf(card.skuId, card.priceId);
    const esim = !card.physical;
    return {
      ...this.cardStatusRow(card),
      sm_dp_address: esim ? card.smdpAddress : null,
      activationCode: esim ? card.activationCode : null,
      code: esim ? `LPA:1$${card.smdpAddress}$${card.activationCode}` : null,
      activateBefore: `${gmt8(card.activateBefore).slice(0, 10)}(GMT+8)`,
      data: `${pkg.flows}${pkg.unit}`,
      validity: pkg.days,
      pdfUrl: esim && this.publicUrl ? `${this.publicUrl}/pdf/${card.iccid}.pdf` : null,
      apn: "mioesim",
      dpId: card.dpId,
      otherItemId: card.otherItemId,
    };
  }

  private cardStatusRow(card: SimCard) {
    const usage = this.usage(card);
    return {
      iccid: card.iccid,
      orderNum: card.orderNum,
      mobileNumber: card.mobileNumber,
      dpStatus: card.dpStatus,
      eid: card.eid,
      usedMB: usage.usedMb,
      remainingMB: usage.totalMb - usage.usedMb,
      startDate: card.activatedAt === null ? null : gmt8(card.activatedAt),
      endDate: usage.endsAt === null ? null : gmt8(usage.endsAt),
    };
  }

  /** The install details a card's PDF shows; undefined for unknown or physical cards. */
  installText(iccid: string): string | undefined {
    const card = this.cards.get(iccid);
    if (!card || card.physical) return undefined;
    return `LPA:1$${card.smdpAddress}$${card.activationCode}`;
  }
}

function skuRow(sku: SimSku) {
  return { skuid: sku.skuId, display: sku.display, countryCode: sku.countryCode };
}
