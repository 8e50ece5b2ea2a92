/**
 * Fulfilment across real processes: a process killed between payment and
 * placement, or in the middle of a placement, recovers when a worker starts
 * again, and two workers on one database share orders without placing any
 * twice. The workers are `npm run worker` (scripts/worker.ts) as a child
 * process; the provider simulators run in this test process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { OrderStatus } from "@/lib/generated/prisma/client";
import {
  armOnNextMioesimOrder,
  catalogPlan,
  createCustomer,
  mioesimOrderTagged,
  orderWithEsims,
  paidOrder,
  providersPerFile,
  requestsTo,
} from "../support/providers";

const LEASE_MS = 2_000;
const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "30000", FULFILMENT_LEASE_MS: String(LEASE_MS) });
const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;
const MIOESIM_LOOKUP_PATH = "/api_esim/getOrderInfo";

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(stopChild));
});

function childEnv(): NodeJS.ProcessEnv {
  // The worker polls the queue every 2 s on PGlite; LOG_LEVEL keeps its output short.
  return { ...process.env, LOG_LEVEL: "error", FULFILMENT_LEASE_MS: String(LEASE_MS), PROVIDER_TIMEOUT_MS: "30000" };
}

/**
 * Each child leads its own process group, so a kill reaches tsx's own node process under it too.
 * Run as package.json's scripts run lib/: with scripts/server-only.mjs preloaded, which `import "server-only"` needs outside Next.
 */
function spawnTsx(args: string[]): ChildProcess {
  const child = spawn(TSX, ["--import=./scripts/server-only.mjs", ...args], {
    cwd: ROOT,
    env: childEnv(),
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  children.push(child);
  return child;
}

/** `npm run worker`: works the job queue and sweeps for stranded orders at start. */
function startWorker(): ChildProcess {
  return spawnTsx([path.join(ROOT, "scripts/worker.ts")]);
}

/** A process that starts fulfilling one order, as the web server's job would. */
function startFulfilment(otherOrderId: string): ChildProcess {
  const code = `
    import { fulfilPaidOrder } from ${JSON.stringify(path.join(ROOT, "lib/orders/fulfilment.ts"))};
    fulfilPaidOrder(${JSON.stringify(otherOrderId)}).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
  `;
  return spawnTsx(["-e", code]);
}

/** SIGKILL to the child's whole process group: nothing of it runs on, as after a crash. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid, "SIGKILL");
  await exited;
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statusOf = async (otherOrderId: string) => (await db().order.findUniqueOrThrow({ where: { otherOrderId } })).status;

describe("recovery after a crash", { timeout: 120_000 }, () => {
  it("delivers once an order whose process died between payment and placement, when a worker starts", async () => {
    const user = await createCustomer("crash-before");
    // Paid, but the process died before it queued fulfilment: no job exists.
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);

    startWorker();
    await waitUntil("delivery", async () => (await statusOf(order.otherOrderId)) === OrderStatus.FULFILLED);

    expect(world.mioesim.state.ordersTagged(order.otherOrderId)).toBe(1);
    expect((await orderWithEsims(order.otherOrderId)).esims).toHaveLength(1);
  });

  it("delivers once an order whose process was killed mid-placement: the restarted worker looks it up, never places it again", async () => {
    const user = await createCustomer("crash-during");
    const order = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);
    const lookupsBefore = requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH);
    // MIOeSIM makes the order, and its answer never leaves: the process is killed while it waits.
    armOnNextMioesimOrder(world.mioesim, (faults) => (faults.hangAfterProcessing = 1));

    const placing = startFulfilment(order.otherOrderId);
    await waitUntil("the order to reach MIOeSIM", () => world.mioesim.state.ordersTagged(order.otherOrderId) === 1);
    await stopChild(placing);
    const orphaned = await db().order.findUniqueOrThrow({ where: { otherOrderId: order.otherOrderId } });
    expect(orphaned).toMatchObject({ status: OrderStatus.FULFILLING });
    expect(orphaned.placementSentAt).not.toBeNull();

    // The worker's start-up sweep takes over only a run whose lease has run out; one started sooner waits for the next sweep (a minute).
    await new Promise((resolve) => setTimeout(resolve, orphaned.leaseExpiresAt!.getTime() - Date.now() + 200));
    startWorker();
    await waitUntil("delivery", async () => (await statusOf(order.otherOrderId)) === OrderStatus.FULFILLED);

    // One upstream order: the restarted worker only looked it up. (Its sweep also places other files' stranded
    // orders, under their own references, so the count is of orders tagged with ours.)
    expect(world.mioesim.state.ordersTagged(order.otherOrderId)).toBe(1);
    expect(requestsTo(world.mioesim, MIOESIM_LOOKUP_PATH)).toBeGreaterThan(lookupsBefore);
    const delivered = await orderWithEsims(order.otherOrderId);
    expect(delivered.esims.map((e) => e.iccid)).toEqual(
      mioesimOrderTagged(world.mioesim, order.otherOrderId).cardApiDtoList?.map((c) => c.iccid),
    );
  });
});

describe("two workers on one database", { timeout: 180_000 }, () => {
  it("place each of 100 paid orders exactly once between them", async () => {
    const user = await createCustomer("two-workers");
    const plan = await catalogPlan(MIOESIM_JAPAN);
    const orders = [];
    for (let i = 0; i < 100; i++) orders.push(await paidOrder(user.id, plan.id));
    const ids = orders.map((o) => o.otherOrderId);

    startWorker();
    startWorker();
    await waitUntil(
      "every order delivered",
      async () => (await db().order.count({ where: { otherOrderId: { in: ids }, status: OrderStatus.FULFILLED } })) === ids.length,
      150_000,
    );

    expect(ids.map((id) => world.mioesim.state.ordersTagged(id))).toEqual(ids.map(() => 1));
    for (const id of ids) expect(mioesimOrderTagged(world.mioesim, id).cardApiDtoList).toHaveLength(1);
  });
});
