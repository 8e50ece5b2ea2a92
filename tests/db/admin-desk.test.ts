/**
 * The admin order desk: filters, search, paging and the streamed CSV export
 * over real rows; the provider answers kept from fulfilment and from an
 * admin's refresh (against the simulators); notes and their audit lines.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, Role, type User } from "@/lib/generated/prisma/client";
import {
  addOrderNote,
  DESK_PAGE_SIZE,
  listOrders,
  orderFiltersFrom,
  orderForDesk,
  ordersCsv,
  refreshFromProvider,
  type OrderFilters,
} from "@/lib/orders/admin-desk";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { cancelOrder, runCancellation } from "@/lib/orders/after-sale";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { createOrder } from "@/lib/orders/orders";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { catalogPlan, paidOrder, providersPerFile, unique } from "../support/providers";

providersPerFile({ PROVIDER_TIMEOUT_MS: "2000", PROVIDER_POLL_INTERVAL_MS: "50", PROVIDER_POLL_ATTEMPTS: "3" });

const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;

/** A customer whose email carries `tag`, so a search for the tag selects this test's orders only. */
function customer(tag: string, role: Role = Role.CUSTOMER): Promise<User> {
  return db().user.create({ data: { email: `desk-${tag}-${unique()}@desk.test`, role } });
}

interface RowSpec {
  ref: string;
  status?: OrderStatus;
  provider?: "mioesim" | "meisim";
  paymentMethod?: PaymentMethod;
  createdAt?: Date;
  providerOrderRef?: string;
  iccids?: string[];
  sessionId?: string;
  planName?: string;
}

/** Orders written as rows: the desk reads what is stored, however it got there. */
async function orderRows(user: User, specs: RowSpec[]) {
  const plan = await catalogPlan(MIOESIM_JAPAN);
  for (const spec of specs) {
    await db().order.create({
      data: {
        otherOrderId: spec.ref,
        userId: user.id,
        planId: plan.id,
        provider: spec.provider ?? "mioesim",
        planRef: plan.planRef,
        planName: spec.planName ?? plan.name,
        amountMinor: 1000,
        currency: "USD",
        quantity: Math.max(1, spec.iccids?.length ?? 1),
        paymentMethod: spec.paymentMethod ?? PaymentMethod.CARD,
        status: spec.status ?? OrderStatus.FULFILLED,
        providerOrderRef: spec.providerOrderRef ?? null,
        createdAt: spec.createdAt ?? new Date(),
        esims: {
          create: (spec.iccids ?? []).map((iccid, i) => ({
            iccid,
            otherItemId: `${spec.ref}-${i + 1}`,
            lpa: `LPA:1$smdp.test$${iccid}`,
            smdpAddress: "smdp.test",
            activationCode: iccid,
          })),
        },
        ...(spec.sessionId && {
          checkoutSessions: {
            create: {
              id: spec.sessionId,
              purpose: "ORDER",
              userId: user.id,
              amountMinor: 1000,
              currency: "USD",
              status: "PAID",
              paymentIntentId: `pi_${spec.sessionId}`,
            },
          },
        }),
      },
    });
  }
}

const refs = async (filters: OrderFilters, page = 1) => (await listOrders(filters, page)).orders.map((o) => o.otherOrderId);
const iccid = () => `8900${Date.now().toString().slice(-9)}${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;

describe("finding orders on the desk", () => {
  it("filters by status, provider, payment method and date range, each on its own and together", async () => {
    const tag = unique();
    const user = await customer(tag);
    const r = (n: string) => `RSDESK${tag}-${n}`.toUpperCase();
    await orderRows(user, [
      { ref: r("A"), status: OrderStatus.FULFILLED, provider: "mioesim", createdAt: new Date("2026-03-01T10:00:00Z") },
      { ref: r("B"), status: OrderStatus.REFUNDED, provider: "meisim", createdAt: new Date("2026-03-02T23:59:00Z") },
      {
        ref: r("C"),
        status: OrderStatus.FULFILLED,
        provider: "meisim",
        paymentMethod: PaymentMethod.WALLET,
        createdAt: new Date("2026-03-03T00:00:00Z"),
      },
    ]);
    const q = tag;
    expect(await refs({ q })).toEqual([r("C"), r("B"), r("A")]);
    expect(await refs({ q, status: OrderStatus.FULFILLED })).toEqual([r("C"), r("A")]);
    expect(await refs({ q, provider: "meisim" })).toEqual([r("C"), r("B")]);
    expect(await refs({ q, payment: PaymentMethod.WALLET })).toEqual([r("C")]);
    // Both ends of the range are whole days, inclusive.
    expect(await refs({ q, from: "2026-03-02", to: "2026-03-02" })).toEqual([r("B")]);
    expect(await refs({ q, from: "2026-03-02" })).toEqual([r("C"), r("B")]);
    expect(await refs({ q, to: "2026-03-01" })).toEqual([r("A")]);
    expect(await refs({ q, provider: "meisim", status: OrderStatus.FULFILLED, payment: PaymentMethod.WALLET })).toEqual([r("C")]);
  });

  it("reads filters from the query string, dropping values that cannot be one", () => {
    expect(
      orderFiltersFrom({ q: "  abc ", status: "REFUNDED", provider: "meisim", payment: "CARD", from: "2026-01-01", to: "2026-01-31" }),
    ).toEqual({ q: "abc", status: "REFUNDED", provider: "meisim", payment: "CARD", from: "2026-01-01", to: "2026-01-31" });
    expect(
      orderFiltersFrom({
        q: "a\u0000b",
        status: "SHIPPED",
        provider: "Robert'); DROP",
        payment: "cash",
        from: "yesterday",
        to: "2026-02-30x",
      }),
    ).toEqual({});
    expect(orderFiltersFrom({ status: ["PAID", "REFUNDED"] })).toEqual({ status: "PAID" });
  });

  it("finds an order by our reference, the provider's order number, an ICCID or its tail, the email and the Stripe session", async () => {
    const tag = unique();
    const user = await customer(tag);
    const ref = `RSDESK${tag}-S`.toUpperCase();
    const [first, second] = [iccid(), iccid()];
    const session = `cs_test_desk_${tag}`;
    await orderRows(user, [{ ref, providerOrderRef: `PO-${tag}-77`, iccids: [first, second], sessionId: session }]);
    await orderRows(await customer(`${tag}x`), [{ ref: `RSDESK${tag}-OTHER`.toUpperCase() }]);

    expect(await refs({ q: ref.toLowerCase() })).toEqual([ref]);
    expect(await refs({ q: `PO-${tag}-77` })).toEqual([ref]);
    expect(await refs({ q: second })).toEqual([ref]);
    expect(await refs({ q: second.slice(-8) })).toEqual([ref]);
    expect(await refs({ q: user.email.toUpperCase() })).toEqual([ref]);
    expect(await refs({ q: session })).toEqual([ref]);
    expect(await refs({ q: `pi_${session}` })).toEqual([ref]);
    // A session id is matched whole: a fragment of one finds nothing.
    expect(await refs({ q: session.slice(0, -2) })).toEqual([]);
  });

  it("pages newest first, every order once, with the total", async () => {
    const tag = unique();
    const user = await customer(tag);
    const same = new Date("2026-04-01T12:00:00Z");
    // Equal timestamps: the reference breaks the tie, so no page repeats or skips one.
    const specs = Array.from({ length: DESK_PAGE_SIZE + 5 }, (_, i) => ({
      ref: `RSDESK${tag}-P${String(i).padStart(3, "0")}`.toUpperCase(),
      createdAt: i % 2 ? same : new Date(same.getTime() + i * 1000),
    }));
    await orderRows(user, specs);
    const one = await listOrders({ q: tag }, 1);
    const two = await listOrders({ q: tag }, 2);
    expect(one).toMatchObject({ total: DESK_PAGE_SIZE + 5, pages: 2 });
    expect(one.orders).toHaveLength(DESK_PAGE_SIZE);
    expect(two.orders).toHaveLength(5);
    const seen = [...one.orders, ...two.orders].map((o) => o.otherOrderId);
    expect(new Set(seen).size).toBe(DESK_PAGE_SIZE + 5);
    const times = [...one.orders, ...two.orders].map((o) => o.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

async function csvText(filters: OrderFilters): Promise<string> {
  return new Response(ordersCsv(filters)).text();
}

describe("exporting the filtered list as CSV", () => {
  it("streams every selected order, across read batches, with a header and formula-looking cells escaped", async () => {
    const tag = unique();
    const user = await customer(tag);
    const count = 1_030; // past two read batches of 500
    const specs = Array.from({ length: count }, (_, i) => ({
      ref: `RSDESK${tag}-E${String(i).padStart(4, "0")}`.toUpperCase(),
      status: i % 3 === 0 ? OrderStatus.REFUNDED : OrderStatus.FULFILLED,
      createdAt: new Date(Date.UTC(2026, 4, 1, 0, 0, Math.floor(i / 4))),
      planName: i === 0 ? '=HYPERLINK("http://evil.test")' : undefined,
    }));
    const plan = await catalogPlan(MIOESIM_JAPAN);
    await db().order.createMany({
      data: specs.map((s) => ({
        otherOrderId: s.ref,
        userId: user.id,
        planId: plan.id,
        provider: "mioesim",
        planRef: plan.planRef,
        planName: s.planName ?? plan.name,
        amountMinor: 1000,
        currency: "USD",
        paymentMethod: PaymentMethod.CARD,
        status: s.status,
        createdAt: s.createdAt,
      })),
    });

    const text = await csvText({ q: tag });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "otherOrderId,createdAt,status,customerEmail,customerName,plan,quantity,amount,amountMinor,currency,paymentMethod,provider,providerOrderRef,iccids,refundedMinor,paidAt,fulfilledAt",
    );
    const ids = lines.slice(1).map((line) => line.split(",")[0]);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(lines.find((l) => l.startsWith(specs[0]!.ref))).toContain(`"'=HYPERLINK(""http://evil.test"")"`);

    const refunded = (await csvText({ q: tag, status: OrderStatus.REFUNDED })).trimEnd().split("\n").slice(1);
    expect(refunded).toHaveLength(specs.filter((s) => s.status === OrderStatus.REFUNDED).length);
    expect(refunded.every((line) => line.split(",")[2] === "REFUNDED")).toBe(true);
  });
});

describe("one order on the desk", () => {
  it("keeps the placement answer, and a refresh keeps the look-up and card answers and audits who asked and why", async () => {
    const user = await customer("answers");
    const admin = await customer("answers-admin", Role.ADMIN);
    const plan = await catalogPlan(MIOESIM_JAPAN);
    const { otherOrderId } = await paidOrder(user.id, plan.id, 2);
    await fulfilPaidOrder(otherOrderId);

    const placed = await orderForDesk(otherOrderId);
    expect(placed?.status).toBe(OrderStatus.FULFILLED);
    expect(placed?.providerAnswers.map((a) => [a.operation, a.outcome])).toEqual([["place", "active"]]);
    expect(JSON.stringify(placed?.providerAnswers[0]?.body)).toContain(placed!.esims[0]!.iccid);

    const summary = await refreshFromProvider(otherOrderId, { actorId: admin.id, reason: "Customer says no signal" });
    expect(summary).toMatch(/MIOeSIM reports order/);
    const refreshed = await orderForDesk(otherOrderId);
    // Newest first: the usage read after the look-up.
    expect(refreshed?.providerAnswers.map((a) => a.operation)).toEqual(["usage", "look-up", "place"]);
    const usage = refreshed!.providerAnswers[0]!.body as { iccid: string }[];
    expect(usage.map((u) => u.iccid).sort()).toEqual(refreshed!.esims.map((e) => e.iccid).sort());
    expect(refreshed?.audit.at(-1)).toMatchObject({
      action: "order.desk.refreshed",
      actorId: admin.id,
      details: expect.objectContaining({ reason: "Customer says no signal" }),
    });
    expect(refreshed?.status).toBe(OrderStatus.FULFILLED);
    expect(await refreshFromProvider("RS00000000-NOSUCH", { actorId: admin.id, reason: "x" })).toBeNull();
  });

  it("adds internal notes with their author, each in the audit log", async () => {
    const tag = unique();
    const user = await customer(tag);
    const admin = await customer(`${tag}-admin`, Role.ADMIN);
    const ref = `RSDESK${tag}-N`.toUpperCase();
    await orderRows(user, [{ ref }]);

    expect(await addOrderNote(ref, "Called the customer.\nWill retry tomorrow.", { actorId: admin.id })).toBe(true);
    expect(await addOrderNote("RS00000000-NOSUCH", "lost", { actorId: admin.id })).toBe(false);

    const order = await orderForDesk(ref);
    expect(order?.notes).toEqual([expect.objectContaining({ body: "Called the customer.\nWill retry tomorrow.", authorId: admin.id })]);
    expect(order?.actorEmails[admin.id]).toBe(admin.email);
    expect(order?.audit).toEqual([
      expect.objectContaining({
        action: "order.desk.note_added",
        actorId: admin.id,
        details: expect.objectContaining({ noteId: order?.notes[0]?.id }),
      }),
    ]);
    expect(await db().orderNote.count({ where: { orderId: "RS00000000-NOSUCH" } })).toBe(0);
  });

  it("cancels a delivered order for the customer with the admin as the actor and the admin's reason on the refund", async () => {
    const user = await customer("cancel");
    const admin = await customer("cancel-admin", Role.ADMIN);
    const plan = await catalogPlan({ provider: "meisim", planRef: "esim_1gb_7days_jp", cancellable: true, priceMinor: 800 });
    await adjustWallet({ userId: user.id, amountMinor: 2000, reason: "Test funding", authorId: admin.id });
    const { otherOrderId } = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.WALLET });
    await payOrderFromWallet(user.id, otherOrderId);
    await fulfilPaidOrder(otherOrderId);

    expect(await cancelOrder(user.id, otherOrderId, null, { actorId: admin.id, reason: "Bought twice by mistake" })).toBe("requested");
    // What the order.cancel job the request queued does.
    expect(await runCancellation(otherOrderId, false)).toBe("done");

    const order = await orderForDesk(otherOrderId);
    expect(order?.status).toBe(OrderStatus.REFUNDED);
    expect(order?.refunds).toEqual([expect.objectContaining({ reason: "Bought twice by mistake", amountMinor: 800 })]);
    expect(order?.walletEntries.find((e) => e.kind === "REFUND_CREDIT")).toMatchObject({ authorId: admin.id, amountMinor: 800 });
    const actions = order!.audit.filter((a) => a.actorId === admin.id).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["order.cancelled", "order.refund_requested", "order.refunded"]));
  });
});
