import { randomBytes, randomInt } from "node:crypto";
import type { QrCodeForm } from "./qr-forms";
import { BUNDLES, type SimBundle } from "./catalog";
import { CheckEngine } from "./checks";
import { signJwt, verifyJwt, type SimClaims } from "./jwt";
import { badRequest, insufficientFunds, unauthorized } from "./sim-error";
import { SupplyInventory } from "./supply";

export type DealerStatus = "approved" | "pending" | "suspended";

export interface Transaction {
  id: string;
  createdAt: number;
  type: "debit" | "topup" | "refund";
  /** Signed: debits are negative. */
  amountCents: number;
  balanceAfterCents: number;
  description: string;
  stripeSessionId: string | null;
  relatedOrderId: string | null;
}

export interface Dealer {
  id: string;
  email: string;
  company: string;
  apiKey: string;
  password: string | null;
  status: DealerStatus;
  markupPct: number;
  resendFeeCents: number;
  balanceCents: number;
  /** Oldest first. */
  transactions: Transaction[];
}

export interface PortalUser {
  id: string;
  email: string;
  password: string;
  /** Portal purchases are paid from this dealer's wallet. */
  dealerId: string;
}

export interface OrderRecord {
  id: string;
  shortId: string;
  dealerId: string;
  type: "esim" | "topup";
  /** Bundle name for API orders, product id for wallet orders. */
  bundleName: string | null;
  customerReference: string | null;
  emailAddress: string | null;
  iccid: string | null;
  unitPriceCents: number;
  amountCents: number;
  status: "completed" | "revoked";
  createdAt: number;
}

export type EsimStateName = "NOT_INSTALLED" | "INSTALLED" | "ACTIVE" | "DEPLETED" | "EXPIRED" | "REVOKED";

export interface SimEsim {
  iccid: string;
  lpa: string;
  smdpAddress: string;
  matchingId: string;
  dealerId: string;
  orderId: string;
  bundleName: string;
  dataMb: number | null;
  validityDays: number;
  state: EsimStateName;
  usedMb: number;
  activatedAt: number | null;
}

export interface PendingPayment {
  id: string;
  dealerId: string;
  netCents: number;
  kind: "checkout" | "intent";
  completed: boolean;
}

interface Otp {
  code: string;
  expiresAt: number;
  attempts: number;
}

export interface MeisimStateOptions {
  clock?: () => number;
  jwtTtlMs?: number;
  portalJwtTtlMs?: number;
  otpTtlMs?: number;
  otpMaxAttempts?: number;
  checkMsPerRow?: number;
  replacementCheckMs?: number;
  supplyStock?: number;
}

const SMDP = "smdp.meisim.sim";

/** Stripe's 2.9% + $0.30, grossed up so the wallet receives `netCents`. */
export function stripeGross(netCents: number): { grossCents: number; feeCents: number } {
  const grossCents = Math.ceil((netCents + 30) / (1 - 0.029));
  return { grossCents, feeCents: grossCents - netCents };
}

/**
 * Everything the MeiSIM simulator remembers, with the business rules that
 * touch money: debits that refuse with 402, refunds, order history.
 */
export class MeisimState {
  readonly dealers: Dealer[] = [];
  readonly portalUsers: PortalUser[] = [];
  /** Newest last. */
  readonly orders: OrderRecord[] = [];
  readonly esims = new Map<string, SimEsim>();
  readonly payments = new Map<string, PendingPayment>();
  readonly checks: CheckEngine;
  readonly supply: SupplyInventory;
  readonly jwtSecret = randomBytes(32).toString("hex");
  /** The form the order answer's QrCode takes (./qr-forms); set with POST /__sim/qr-form. */
  qrCodeForm: QrCodeForm = "lpa";
  private readonly otps = new Map<string, Otp>();
  private offsetMs = 0;
  private serial = 0;
  private readonly iccidBlock = String(randomInt(1_000_000)).padStart(6, "0");
  private readonly clock: () => number;
  private readonly options: Required<Omit<MeisimStateOptions, "clock" | "supplyStock">>;

  constructor(options: MeisimStateOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.options = {
      jwtTtlMs: options.jwtTtlMs ?? 12 * 3_600_000,
      portalJwtTtlMs: options.portalJwtTtlMs ?? 12 * 3_600_000,
      otpTtlMs: options.otpTtlMs ?? 5 * 60_000,
      otpMaxAttempts: options.otpMaxAttempts ?? 5,
      checkMsPerRow: options.checkMsPerRow ?? 500,
      replacementCheckMs: options.replacementCheckMs ?? 5_000,
    };
    this.checks = new CheckEngine(this.options.checkMsPerRow);
    this.supply = new SupplyInventory(this.checks, this.options.replacementCheckMs);
    this.supply.restock(options.supplyStock ?? 25);
  }

  now(): number {
    return this.clock() + this.offsetMs;
  }

  /** Moves simulator time forward (OTP expiry, JWT expiry, batch progress). */
  advance(ms: number): void {
    this.offsetMs += ms;
    this.settle();
  }

  private nextId(prefix: string): string {
    return `${prefix}_${String(++this.serial).padStart(6, "0")}`;
  }

  // ── Dealers and portal users ──────────────────────────────────────────

  addDealer(input: {
    email: string;
    company: string;
    apiKey?: string;
    password?: string | null;
    balanceCents?: number;
    markupPct?: number;
    status?: DealerStatus;
  }): Dealer {
    const dealer: Dealer = {
      id: this.nextId("dlr"),
      email: input.email.toLowerCase(),
      company: input.company,
      apiKey: input.apiKey ?? `dk_${randomBytes(12).toString("hex")}`,
      password: input.password ?? null,
      status: input.status ?? "approved",
      markupPct: input.markupPct ?? 15,
      resendFeeCents: 1_00,
      balanceCents: 0,
      transactions: [],
    };
    this.dealers.push(dealer);
    if (input.balanceCents) this.credit(dealer, input.balanceCents, "topup", "Opening balance");
    return dealer;
  }

  addPortalUser(input: { email: string; password: string; dealer: Dealer }): PortalUser {
    const user = { id: this.nextId("usr"), email: input.email.toLowerCase(), password: input.password, dealerId: input.dealer.id };
    this.portalUsers.push(user);
    return user;
  }

  dealerByEmail(email: string): Dealer | undefined {
    return this.dealers.find((d) => d.email === email.toLowerCase());
  }

  dealerById(id: string): Dealer | undefined {
    return this.dealers.find((d) => d.id === id);
  }

  setDealerStatus(email: string, status: DealerStatus): void {
    const dealer = this.dealerByEmail(email);
    if (!dealer) throw new Error(`No dealer ${email}`);
    dealer.status = status;
  }

  // ── Tokens and OTP ─────────────────────────────────────────────────────

  issueToken(kind: SimClaims["kind"], sub: string): { token: string; expiresAt: string } {
    const now = this.now();
    const expiresAt = now + (kind === "dealer" ? this.options.jwtTtlMs : this.options.portalJwtTtlMs);
    return {
      token: signJwt(this.jwtSecret, { sub, kind, iat: now / 1000, exp: expiresAt / 1000 }),
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  verifyToken(token: string, kind: SimClaims["kind"]): string | null {
    const claims = verifyJwt(this.jwtSecret, token, this.now());
    return claims?.kind === kind ? claims.sub : null;
  }

  sendOtp(email: string): void {
    this.otps.set(email.toLowerCase(), {
      code: String(randomInt(0, 1_000_000)).padStart(6, "0"),
      expiresAt: this.now() + this.options.otpTtlMs,
      attempts: 0,
    });
  }

  /** The code last emailed to `email`, for tests and the demo (GET /__sim/otp). */
  lastOtp(email: string): string | undefined {
    return this.otps.get(email.toLowerCase())?.code;
  }

  /** Checks a code: it expires, and a sixth try is refused; the code dies on success, expiry or too many tries. */
  verifyOtp(email: string, code: string): void {
    const key = email.toLowerCase();
    const otp = this.otps.get(key);
    if (!otp) throw unauthorized("No active code for this email; request a new one");
    if (this.now() > otp.expiresAt) {
      this.otps.delete(key);
      throw unauthorized("Code expired; request a new one");
    }
    if (otp.code === code) {
      this.otps.delete(key);
      return;
    }
    otp.attempts++;
    const left = this.options.otpMaxAttempts - otp.attempts;
    if (left <= 0) this.otps.delete(key);
    throw unauthorized(
      left > 0 ? `Invalid code; ${left} attempt${left === 1 ? "" : "s"} left` : "Invalid code; too many attempts, request a new one",
    );
  }

  // ── Wallet ─────────────────────────────────────────────────────────────

  private record(dealer: Dealer, entry: Omit<Transaction, "id" | "createdAt" | "balanceAfterCents">): Transaction {
    dealer.balanceCents += entry.amountCents;
    const tx: Transaction = { id: this.nextId("txn"), createdAt: this.now(), balanceAfterCents: dealer.balanceCents, ...entry };
    dealer.transactions.push(tx);
    return tx;
  }

  /** Takes money from the wallet, or refuses with 402 and the figures. */
  debit(dealer: Dealer, cents: number, description: string, relatedOrderId: string | null = null): Transaction {
    if (dealer.balanceCents < cents) throw insufficientFunds(dealer.balanceCents, cents);
    return this.record(dealer, { type: "debit", amountCents: -cents, description, stripeSessionId: null, relatedOrderId });
  }

  credit(
    dealer: Dealer,
    cents: number,
    type: "topup" | "refund",
    description: string,
    refs: { stripeSessionId?: string; relatedOrderId?: string } = {},
  ): Transaction {
    return this.record(dealer, {
      type,
      amountCents: cents,
      description,
      stripeSessionId: refs.stripeSessionId ?? null,
      relatedOrderId: refs.relatedOrderId ?? null,
    });
  }

  createPayment(dealer: Dealer, netCents: number, kind: PendingPayment["kind"]): PendingPayment {
    const id = `${kind === "checkout" ? "cs_test" : "pi"}_${randomBytes(12).toString("hex")}`;
    const payment = { id, dealerId: dealer.id, netCents, kind, completed: false };
    this.payments.set(id, payment);
    return payment;
  }

  /** What Stripe's webhook would do once the dealer pays: credit the net amount, once. */
  completePayment(id: string): PendingPayment {
    const payment = this.payments.get(id);
    if (!payment) throw badRequest(`No payment ${id}`);
    if (!payment.completed) {
      payment.completed = true;
      this.credit(this.dealerById(payment.dealerId)!, payment.netCents, "topup", "Wallet top-up (Stripe)", { stripeSessionId: id });
    }
    return payment;
  }

  // ── Orders and eSIMs ───────────────────────────────────────────────────

  dealerPriceCents(dealer: Dealer, bundle: SimBundle): number {
    return Math.round((bundle.baseCents * (100 + dealer.markupPct)) / 100);
  }

  bundle(name: string): SimBundle | undefined {
    return BUNDLES.find((b) => b.name === name);
  }

  /** Debits and records an order with a fresh eSIM. */
  placeOrder(
    dealer: Dealer,
    input: {
      item: string;
      unitPriceCents: number;
      quantity: number;
      customerReference?: string | null;
      emailAddress?: string | null;
      dataMb?: number | null;
      validityDays?: number;
    },
  ): { order: OrderRecord; esim: SimEsim } {
    const id = this.nextId("ord");
    const amountCents = input.unitPriceCents * input.quantity;
    this.debit(dealer, amountCents, `eSIM ${input.item}${input.quantity > 1 ? ` × ${input.quantity}` : ""}`, id);
    const esim = this.issueEsim(dealer, id, input.item, input.dataMb ?? null, input.validityDays ?? 30);
    const order: OrderRecord = {
      id,
      shortId: `MM-${id.slice(-6).toUpperCase()}`,
      dealerId: dealer.id,
      type: "esim",
      bundleName: input.item,
      customerReference: input.customerReference ?? null,
      emailAddress: input.emailAddress ?? null,
      iccid: esim.iccid,
      unitPriceCents: input.unitPriceCents,
      amountCents,
      status: "completed",
      createdAt: this.now(),
    };
    this.orders.push(order);
    return { order, esim };
  }

  recordTopupOrder(dealer: Dealer, amountCents: number, networkName: string): OrderRecord {
    const id = this.nextId("ord");
    this.debit(dealer, amountCents, `Top-up ${networkName}`, id);
    const order: OrderRecord = {
      id,
      shortId: `MM-${id.slice(-6).toUpperCase()}`,
      dealerId: dealer.id,
      type: "topup",
      bundleName: null,
      customerReference: null,
      emailAddress: null,
      iccid: null,
      unitPriceCents: amountCents,
      amountCents,
      status: "completed",
      createdAt: this.now(),
    };
    this.orders.push(order);
    return order;
  }

  private issueEsim(dealer: Dealer, orderId: string, bundleName: string, dataMb: number | null, validityDays: number): SimEsim {
    const n = String(this.esims.size + 1).padStart(6, "0");
    const matchingId = `MEI-${randomBytes(6).toString("hex").toUpperCase()}`;
    const esim: SimEsim = {
      // Unique across simulator instances, as real ICCIDs are: tests that share one database start several.
      iccid: `8985201${this.iccidBlock}${n}`,
      lpa: `LPA:1$${SMDP}$${matchingId}`,
      smdpAddress: SMDP,
      matchingId,
      dealerId: dealer.id,
      orderId,
      bundleName,
      dataMb,
      validityDays,
      state: "NOT_INSTALLED",
      usedMb: 0,
      activatedAt: null,
    };
    this.esims.set(esim.iccid, esim);
    return esim;
  }

  /** Test hook: what the network reports for an eSIM. */
  setEsimUsage(iccid: string, usage: { state: EsimStateName; usedMb?: number }): void {
    const esim = this.esims.get(iccid);
    if (!esim) throw new Error(`No eSIM ${iccid}`);
    esim.state = usage.state;
    esim.usedMb = usage.usedMb ?? esim.usedMb;
    if (usage.state !== "NOT_INSTALLED" && esim.activatedAt === null) esim.activatedAt = this.now();
  }

  ordersOf(dealer: Dealer): OrderRecord[] {
    return this.orders.filter((o) => o.dealerId === dealer.id);
  }

  // ── Time-driven work ───────────────────────────────────────────────────

  /** Refunds finished error rows and decides finished replacement checks. */
  settle(): void {
    const now = this.now();
    for (const batch of this.checks.batches.values()) {
      const refundable = this.checks.takeRefundable(batch, now);
      if (refundable.length === 0) continue;
      const dealer = this.dealerById(batch.dealerId)!;
      this.credit(
        dealer,
        refundable.length * batch.perRowCents,
        "refund",
        `Refund: ${refundable.length} errored LPA check(s) in ${batch.label}`,
        { relatedOrderId: batch.id },
      );
    }
    this.supply.settle(now);
  }

  newUsageId(): number {
    return 12_345 + ++this.serial;
  }
}
