/**
 * The order and catalog integration tests' world: both upstream simulators
 * running in this process, the app's environment pointed at them, and small
 * factories for customers, catalog plans and orders in the test database.
 *
 * The registry builds its provider clients from env() on first use, and env()
 * is parsed once per process, so the simulators must be up and the variables
 * set before any lib module reads them: the hook below runs before the first
 * test, and test files may import lib modules statically as long as nothing
 * calls them at import time.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { stopJobs } from "@/lib/jobs";
import { DestinationKind, OrderStatus, PaymentMethod, Role, type Plan, type User } from "@/lib/generated/prisma/client";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { createOrder } from "@/lib/orders/orders";
import type { Faults } from "@/simulators/shared/server";
import { MEISIM_DEMO_ACCOUNT, startMeisimSimulator, type MeisimSimulator } from "@/simulators/meisim";
import { MIOESIM_DEMO_ACCOUNT, startMioesimSimulator, type MioesimSimOptions, type MioesimSimulator } from "@/simulators/mioesim";
import { CATALOG as MIOESIM_CATALOG } from "@/simulators/mioesim/catalog";

export interface ProviderWorld {
  mioesim: MioesimSimulator;
  meisim: MeisimSimulator;
}

export type SimulatorDialect = "friendly" | "strict" | "alternative";

/**
 * Starts both simulators for the file, in the given dialect ("strict" serves
 * only what the provider documents), and wires MIOESIM_BASE_URL /
 * MEISIM_BASE_URL to them; faults never leak between tests. `mioesim`
 * options change the MIOeSIM simulator (e.g. no time-based usage).
 */
export function providersPerFile(
  extraEnv: Record<string, string> = {},
  dialect: SimulatorDialect = "friendly",
  simulators: { mioesim?: MioesimSimOptions } = {},
): ProviderWorld {
  const world = {} as ProviderWorld;
  beforeAll(async () => {
    [world.mioesim, world.meisim] = await Promise.all([
      startMioesimSimulator({ dialect, ...simulators.mioesim }),
      startMeisimSimulator({ dialect }),
    ]);
    Object.assign(process.env, { MIOESIM_BASE_URL: world.mioesim.url, MEISIM_BASE_URL: world.meisim.url, LOG_LEVEL: "error", ...extraEnv });
    // Fails loudly instead of letting the registry order from whatever listens on the demo ports.
    if (env().MIOESIM_BASE_URL !== world.mioesim.url || env().MEISIM_BASE_URL !== world.meisim.url) {
      throw new Error(
        "env() was read before providersPerFile() set the simulator URLs; import lib modules without calling them at load time.",
      );
    }
  });
  afterEach(() => {
    world.mioesim?.sim.resetFaults();
    world.meisim?.sim.resetFaults();
  });
  afterAll(async () => {
    // Payments queue fulfilment jobs; the queue's connections close before the database's.
    await stopJobs({ timeoutMs: 2_000 });
    await Promise.all([world.mioesim?.close(), world.meisim?.close()]);
    await disconnectWithin(10_000);
  });
  return world;
}

/** Requests the simulator received for this path (any method), e.g. "/api_esim/addEsimOrder". */
export function requestsTo(simulator: MioesimSimulator | MeisimSimulator, path: string): number {
  return simulator.sim.requestLog.filter((entry) => entry.path === path).length;
}

export const MIOESIM_ORDER_PATH = "/api_esim/addEsimOrder";
export const MEISIM_ORDER_PATH = "/api/v1/esim/order";

/** The demo MIOeSIM account's order tagged with our reference, as MIOeSIM itself reports it (throws when there is none). */
export function mioesimOrderTagged(simulator: MioesimSimulator, otherOrderId: string) {
  return simulator.state.orderInfo(simulator.state.account(MIOESIM_DEMO_ACCOUNT.phone)!, { otherOrderId });
}

/**
 * MeiSIM orders placed for our order: one per eSIM, each carrying its item
 * reference ("<otherOrderId>-1", "-2", …) as customerReference, or our order
 * reference itself for orders placed before per-card references.
 */
export function meisimOrdersTagged(simulator: MeisimSimulator, otherOrderId: string) {
  const item = new RegExp(`^${otherOrderId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+$`);
  return simulator.state.orders.filter((order) => order.customerReference === otherOrderId || item.test(order.customerReference ?? ""));
}

export function meisimDemoDealer(simulator: MeisimSimulator) {
  return simulator.state.dealerByEmail(MEISIM_DEMO_ACCOUNT.email)!;
}

/**
 * Arms simulator faults at the moment MIOeSIM creates the next order, so they
 * hit that order's answer and what follows, not the lookup our client makes
 * before ordering (the simulator's own faults apply to "the next N requests",
 * whatever they are).
 */
export function armOnNextMioesimOrder(simulator: MioesimSimulator, arm: (faults: Faults) => void): void {
  const { state } = simulator;
  const place = state.placeOrder.bind(state);
  state.placeOrder = (...args) => {
    state.placeOrder = place;
    arm(simulator.sim.faults);
    return place(...args);
  };
}

let serial = 0;
/** Unique within the shared test database, across files and runs. */
export const unique = () => `${Date.now().toString(36)}${(serial += 1).toString(36)}`;

export function createCustomer(tag: string, role: Role = Role.CUSTOMER): Promise<User> {
  const id = unique();
  return db().user.create({ data: { email: `${tag}-${id}@providers.test`, name: `${tag} ${id}`, role } });
}

/** Real destinations the simulators list, so catalog syncs and these rows agree on slugs. */
export const DESTINATIONS = {
  japan: { slug: "japan", name: "Japan", kind: DestinationKind.COUNTRY, countryCodes: ["JP"] },
  southKorea: { slug: "south-korea", name: "South Korea", kind: DestinationKind.COUNTRY, countryCodes: ["KR"] },
} as const;

export interface CatalogPlanSpec {
  provider: "mioesim" | "meisim";
  planRef: string;
  destination?: (typeof DESTINATIONS)[keyof typeof DESTINATIONS];
  priceMinor?: number;
  /** The provider's cost; by default what a sync would store (the MIOeSIM simulator's package price). */
  wholesaleMinor?: number;
  cancellable?: boolean;
  renewable?: boolean;
  active?: boolean;
  syncedAt?: Date;
}

/** A MIOeSIM package's price in the simulator's catalog (what the order answer charges); 4.49 for anything else. */
function syncedWholesaleMinor(spec: CatalogPlanSpec): number {
  if (spec.provider !== "mioesim") return 449;
  const [skuId, priceId] = spec.planRef.split(":").map(Number);
  const pkg = MIOESIM_CATALOG.find((sku) => sku.skuId === skuId)?.packages.find((p) => p.priceId === priceId);
  return pkg ? Math.round(pkg.price * 100) : 449;
}

/**
 * A catalog plan as a sync would have stored it, written over any row with the
 * same provider and planRef (another file may have synced the real catalog),
 * so each test starts from the facts it states.
 */
export async function catalogPlan(spec: CatalogPlanSpec): Promise<Plan> {
  const destination = spec.destination ?? DESTINATIONS.japan;
  await db().destination.upsert({
    where: { slug: destination.slug },
    create: { ...destination, countryCodes: [...destination.countryCodes] },
    update: {},
  });
  const fields = {
    destinationSlug: destination.slug,
    name: `${destination.name} ${spec.planRef}`,
    dataMb: 1024,
    days: 7,
    wholesaleMinor: spec.wholesaleMinor ?? syncedWholesaleMinor(spec),
    priceMinor: spec.priceMinor ?? 699,
    currency: "USD",
    priceOverridden: false,
    renewable: spec.renewable ?? false,
    dayPass: false,
    cancellable: spec.cancellable ?? false,
    cancellationPolicy: null,
    active: spec.active ?? true,
    syncedAt: spec.syncedAt ?? new Date(),
  };
  return db().plan.upsert({
    where: { provider_planRef: { provider: spec.provider, planRef: spec.planRef } },
    create: { provider: spec.provider, planRef: spec.planRef, ...fields },
    update: fields,
  });
}

/** An order for the plan, marked PAID directly (as a card or wallet payment would), ready for fulfilment. */
export async function paidOrder(userId: string, planId: string, quantity = 1) {
  const order = await createOrder({ userId, planId, quantity, paymentMethod: PaymentMethod.CARD });
  return db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { status: OrderStatus.PAID, paidAt: new Date() } });
}

export function orderWithEsims(otherOrderId: string) {
  return db().order.findUniqueOrThrow({ where: { otherOrderId }, include: { esims: true, refunds: true } });
}

/** A paid order taken through real fulfilment; throws unless it ends FULFILLED with an eSIM, so tests start from a delivered order. */
export async function deliveredOrder(userId: string, planId: string) {
  const { otherOrderId } = await paidOrder(userId, planId);
  await fulfilPaidOrder(otherOrderId);
  const order = await orderWithEsims(otherOrderId);
  const iccid = order.esims[0]?.iccid;
  if (order.status !== OrderStatus.FULFILLED || !iccid)
    throw new Error(`Order ${otherOrderId} was not delivered: ${order.status} ${order.failureReason ?? ""}`);
  return { order, iccid };
}

/**
 * Closes the database pool, but does not let teardown hang on a connection a
 * webhook handler still holds: the fake's background deliveries keep running
 * after the test's last assertion, and under a loaded CI machine one can
 * outlive the pool. Every assertion has run by then.
 */
export async function disconnectWithin(ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  const outcome = await Promise.race([
    db()
      .$disconnect()
      .then(() => "closed" as const),
    gaveUp,
  ]);
  clearTimeout(timer);
  if (outcome === "timeout") console.warn(`database pool still busy ${ms} ms after the tests; left to close with the worker`);
}
