/**
 * The EsimProvider contract against any service that honours the MIOeSIM
 * documents: each suite runs against the simulator's "strict" dialect (only
 * what the docs name, shaped as their examples) and its "alternative" one
 * (another form the docs allow). Behaviour that needs the undocumented order
 * look-up lives in adapter.test.ts (friendly dialect).
 */
import { NON_REFUNDABLE_NOTE, REFUNDABLE_NOTE } from "@/simulators/mioesim/catalog";
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError, ProviderError, ProviderNetworkError } from "@/lib/providers/errors";
import { MioesimOperationFailedError, MioesimOrderStateError, MioesimProvider } from "@/lib/providers/mioesim";
import { DOCUMENTED_DIALECTS, JAPAN, capturingLogger, itemIdsFor, losingFirstRequestTo, startFixture } from "./fixtures";

const LOGIN = "/api_order/login";
const ORDER = "/api_esim/addEsimOrder";
const LOOKUP = "/api_esim/getOrderInfo";
const VERIFY = "/api_esim/verifyResource";
const REFUND = "/api_esim/refundOrder";

const japan = (otherOrderId: string, count = 1, planRef = "26:261") => ({
  planRef,
  otherOrderId,
  itemIds: itemIdsFor(otherOrderId, count),
});

describe.each(DOCUMENTED_DIALECTS)("MIOeSIM contract, %s dialect", (dialect) => {
  describe("catalog", () => {
    it("lists every package of every SKU, mapping countries and regions through ISO", async () => {
      const { provider, calls } = await startFixture({ dialect });
      const progress: number[] = [];
      const plans = await provider.listPlans({ onProgress: ({ done }) => progress.push(done) });
      expect(calls("/api_esim/getPackages")).toBe(49);
      expect(progress).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
      expect(plans).toHaveLength(49 * 6);
      expect(plans.find((plan) => plan.planRef === "26:261")).toMatchObject({
        name: "Japan 1GB 7 days",
        destination: { providerRef: "26", name: "Japan", kind: "country", countryCodes: ["JP"] },
        dataMb: 1024,
        days: 7,
        wholesale: { amountMinor: 449, currency: "USD" },
        renewable: true,
        dayPass: false,
      });
      expect(plans.find((plan) => plan.planRef === "48:481")?.destination.countryCodes).toEqual(["AT"]);
      expect(plans.find((plan) => plan.planRef === "156:1561")?.destination).toEqual({
        providerRef: "156",
        name: "Africa",
        kind: "region",
        countryCodes: ["EG", "KE", "MA", "NG", "ZA"],
      });
      expect(plans.find((plan) => plan.planRef === "199:1991")?.destination.countryCodes).toHaveLength(40);
      expect(plans.find((plan) => plan.planRef === "26:265")).toMatchObject({ renewable: false, dataMb: 500 });
      expect(plans.find((plan) => plan.planRef === "26:266")).toMatchObject({ dayPass: true, name: "Japan 1GB/day 5 days" });
    });

    it("reads cancellability only from a premark that permits it", async () => {
      const { provider } = await startFixture({ dialect });
      const plans = await provider.listPlans();
      const refundable = plans.find((plan) => plan.planRef === "26:261")!;
      const locked = plans.find((plan) => plan.planRef === "26:264")!;
      if (dialect === "strict") {
        expect(refundable).toMatchObject({ cancellable: true, cancellationPolicy: REFUNDABLE_NOTE });
        expect(locked).toMatchObject({ cancellable: false, cancellationPolicy: NON_REFUNDABLE_NOTE });
      } else {
        expect(refundable).toMatchObject({ cancellable: true, cancellationPolicy: "Refundable if not activated." });
        expect(locked).toMatchObject({ cancellable: false, cancellationPolicy: "No refund once purchased." });
      }
    });
  });

  describe("availability", () => {
    // The docs say only that verifyResource "confirms" stock: strict answers the bare success envelope, which confirms it;
    // a shortage shows at the order, as a definite -3. The alternative service states its stock.
    it("is available when stock covers the count and out of stock when it does not", async () => {
      const { provider, state } = await startFixture({ dialect });
      state.setStock(JAPAN.threeGb, 5);
      expect(await provider.checkAvailability("26:262", 5)).toEqual({ available: true });
      const short = await provider.checkAvailability("26:262", 6);
      if (dialect === "strict") {
        expect(short).toEqual({ available: true });
        await expect(provider.placeOrder(japan("ORD-SHORT", 6, "26:262"))).rejects.toBeInstanceOf(MioesimOperationFailedError);
        expect(state.ordersTagged("ORD-SHORT")).toBe(0);
        return;
      }
      expect(short).toMatchObject({ available: false, reason: "out_of_stock" });
      expect((short as { detail: string }).detail).toMatch(/5 in stock, 6 wanted/);
      // The 10 GB package of every fifth SKU is seeded sold out.
      expect(await provider.checkAvailability("40:404", 1)).toMatchObject({ available: false, reason: "out_of_stock" });
    });

    it("says out of stock under the forced fault, once, where the dialect states stock", async () => {
      const { provider, sim } = await startFixture({ dialect });
      sim.faults.forced.outOfStock = 1;
      expect(await provider.checkAvailability("26:261", 1)).toEqual(
        dialect === "strict" ? { available: true } : expect.objectContaining({ available: false, reason: "out_of_stock" }),
      );
      expect(await provider.checkAvailability("26:261", 1)).toEqual({ available: true });
    });

    it("refuses a count outside 1..maxQuantity and an unknown plan reference without asking MIOeSIM", async () => {
      const { provider, calls } = await startFixture({ dialect });
      expect(provider.maxQuantity).toBe(10);
      for (const count of [0, 11, 2.5])
        expect(await provider.checkAvailability("26:261", count)).toMatchObject({ available: false, reason: "quantity" });
      expect(await provider.checkAvailability("26:261", 10)).toEqual({ available: true });
      expect(await provider.checkAvailability("japan-1gb", 1)).toMatchObject({ available: false, reason: "unknown_plan" });
      expect(calls(VERIFY)).toBe(1);
    });

    it("reports transport failures as unavailable and credential failures as the provider account", async () => {
      const { provider, sim, newClient } = await startFixture({ dialect });
      await provider.client.ensureSession();
      sim.faults.http500 = 3;
      expect(await provider.checkAvailability("26:261", 1)).toMatchObject({
        available: false,
        reason: "unavailable",
        detail: expect.stringMatching(/HTTP 500/),
      });
      const wrongSecret = new MioesimProvider(newClient({ secret: "not-the-secret" }));
      expect(await wrongSecret.checkAvailability("26:261", 1)).toMatchObject({ available: false, reason: "provider_account" });
    });
  });

  describe("placing orders", () => {
    it("places one addEsimOrder and nothing else: no look-up, no stock check", async () => {
      const { provider, sim, callsByPath, upstream } = await startFixture({ dialect });
      const order = await provider.placeOrder(japan("ORD-1", 3));
      expect(callsByPath()).toEqual({ [LOGIN]: 1, [ORDER]: 1 });
      expect(sim.requestLog.some((entry) => entry.path === LOOKUP)).toBe(false);
      expect(order).toMatchObject({ provider: "mioesim", otherOrderId: "ORD-1", status: "active" });
      expect(order.providerOrderRef).toMatch(/^EP\d+$/);
      // Matched by position: the docs give one otherItemId per request, so none was sent for three cards.
      expect(order.esims.map((esim) => esim.otherItemId)).toEqual(["ORD-1-1", "ORD-1-2", "ORD-1-3"]);
      expect(new Set(order.esims.map((esim) => esim.iccid)).size).toBe(3);
      for (const esim of order.esims) expect(esim.lpa).toBe(`LPA:1$${esim.smdpAddress}$${esim.activationCode}`);
      expect(order.esims[0]!.activateBefore).toMatch(/^\d{4}-\d{2}-\d{2}T15:59:59\.000Z$/);
      expect(upstream("ORD-1")).toMatchObject({ count: 3, otherOrderId: "ORD-1", otherItemId: null });
      // The documented example carries no price; the alternative service sends it.
      expect(order.charged).toEqual(dialect === "strict" ? null : { amountMinor: 1347, currency: "USD" });
    });

    it("sends otherItemId for a one-card order", async () => {
      const { provider, upstream } = await startFixture({ dialect });
      const order = await provider.placeOrder(japan("ORD-2"));
      expect(upstream("ORD-2").otherItemId).toBe("ORD-2-1");
      expect(order.esims.map((esim) => esim.otherItemId)).toEqual(["ORD-2-1"]);
    });

    it("refuses more eSIMs than maxQuantity before sending anything", async () => {
      const { provider, calls } = await startFixture({ dialect });
      await expect(provider.placeOrder(japan("ORD-BIG", 11))).rejects.toMatchObject({ code: "INVALID_QUANTITY" });
      await expect(provider.placeOrder({ planRef: "26:261", otherOrderId: "ORD-NONE", itemIds: [] })).rejects.toMatchObject({
        code: "INVALID_QUANTITY",
      });
      expect(calls(ORDER)).toBe(0);
    });

    const lost: Array<[string, (fixture: Awaited<ReturnType<typeof startFixture>>) => void, number]> = [
      ["the answer never comes (timeout)", ({ sim }) => (sim.faults.forced.answerLost = 1), 1],
      ["the answer is an HTML page", ({ sim }) => (sim.faults.forced.answerGarbled = 1), 1],
      ["MIOeSIM answers 99 after making the order", ({ sim }) => (sim.faults.forced.pdfError = 1), 1],
      ["the server answers HTTP 500", ({ sim }) => (sim.faults.http500 = 1), 0],
    ];
    it.each(lost)("throws OrderOutcomeUnknownError when %s, and never resends or looks up", async (_case, arm, upstreamOrders) => {
      const fixture = await startFixture({ dialect, client: { timeoutMs: 300 } });
      await fixture.client.ensureSession();
      arm(fixture);
      const error = await fixture.provider.placeOrder(japan("ORD-LOST")).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
      expect(error).toMatchObject({ code: "OUTCOME_UNKNOWN", retryable: false, provider: "mioesim" });
      expect(fixture.state.orderCount()).toBe(upstreamOrders);
      expect(fixture.calls(ORDER)).toBe(1);
      expect(fixture.calls(LOOKUP)).toBe(0);
    });

    it("treats a connection dropped after sending as outcome unknown, and a refused connection as not sent", async () => {
      const reset = await startFixture({ dialect, client: { fetchImpl: losingFirstRequestTo("addEsimOrder", "reset") } });
      await expect(reset.provider.placeOrder(japan("ORD-RESET"))).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
      const refused = await startFixture({ dialect, client: { fetchImpl: losingFirstRequestTo("addEsimOrder", "before sending") } });
      const error = await refused.provider.placeOrder(japan("ORD-REFUSED")).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ProviderNetworkError);
      expect(error).not.toBeInstanceOf(OrderOutcomeUnknownError);
    });

    it("reports a failed login before sending as a plain failure, not an unknown outcome", async () => {
      const { newClient, calls, state } = await startFixture({ dialect });
      const provider = new MioesimProvider(newClient({ password: "wrong" }));
      const error = await provider.placeOrder(japan("ORD-NOLOGIN")).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(MioesimOperationFailedError);
      expect(error).not.toBeInstanceOf(OrderOutcomeUnknownError);
      expect(calls(ORDER)).toBe(0);
      expect(state.orderCount()).toBe(0);
    });

    it("logs in again and resends once on -1 (a definite refusal), placing one order", async () => {
      const { provider, client, sim, state, calls } = await startFixture({ dialect });
      await client.ensureSession();
      sim.faults.forced.tokenExpired = 1;
      const order = await provider.placeOrder(japan("ORD-RELOGIN"));
      expect(order.status).toBe("active");
      expect(calls(LOGIN)).toBe(2);
      expect(calls(ORDER)).toBe(2);
      expect(state.orderCount()).toBe(1);
    });

    it("passes a definite refusal (-3, no stock) through as such", async () => {
      const { provider, state } = await startFixture({ dialect });
      state.setStock(JAPAN.oneGb, 0);
      const error = await provider.placeOrder(japan("ORD-EMPTY")).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(MioesimOperationFailedError);
      expect(error).not.toBeInstanceOf(OrderOutcomeUnknownError);
      expect(state.orderCount()).toBe(0);
    });

    it("reports an unpaid order (status -1, no cards) as pending with no eSIMs", async () => {
      const { provider, sim, calls } = await startFixture({ dialect });
      sim.faults.forced.pendingOrder = 1;
      const order = await provider.placeOrder(japan("ORD-PENDING", 2));
      expect(order).toMatchObject({ status: "pending", esims: [], otherOrderId: "ORD-PENDING" });
      expect(order.providerOrderRef).toMatch(/^EP\d+$/);
      expect(calls(LOOKUP)).toBe(0);
    });
  });

  describe("looking orders up", () => {
    it(
      dialect === "strict"
        ? "cannot tell (getOrderInfo is not a documented endpoint: HTTP 404), without throwing"
        : "finds a placed order and cannot tell (never absent) for an unknown reference",
      async () => {
        const logger = capturingLogger();
        const { provider, calls } = await startFixture({ dialect, logger });
        const placed = await provider.placeOrder(japan("ORD-FIND", 2));
        const byRef = await provider.findOrder({ otherOrderId: "ORD-FIND", itemIds: itemIdsFor("ORD-FIND", 2), attemptedAt: new Date() });
        const none = await provider.findOrder({ otherOrderId: "ORD-NOWHERE", itemIds: itemIdsFor("ORD-NOWHERE"), attemptedAt: new Date() });
        if (dialect === "strict") {
          expect(byRef.outcome).toBe("unknown");
          expect(none.outcome).toBe("unknown");
          const { reason } = byRef as { reason: string };
          expect(reason).toMatch(/not part of MIOeSIM's documented API/);
          expect(reason).toMatch(/HTTP 404/);
          expect(reason).toContain("ORD-FIND");
          expect(calls(LOOKUP)).toBe(2);
          expect(logger.entries.some((entry) => entry.level === "warn" && /look-up inconclusive/.test(entry.message))).toBe(true);
        } else {
          expect(byRef).toMatchObject({
            outcome: "found",
            order: { providerOrderRef: placed.providerOrderRef, status: "active", otherOrderId: "ORD-FIND" },
          });
          expect((byRef as { order: { esims: unknown[] } }).order.esims).toEqual(placed.esims);
          expect(none).toMatchObject({ outcome: "unknown", reason: expect.stringMatching(/code 3/) });
        }
      },
    );
  });

  describe("cancelling", () => {
    it("cancels a whole order without reading it first; naming every card is the full cancellation", async () => {
      const { provider, state, calls, upstream } = await startFixture({ dialect, sim: { refundSettleMs: 60_000 } });
      const order = await provider.placeOrder(japan("ORD-CXL", 2));
      const iccids = order.esims.map((esim) => esim.iccid);
      const result = await provider.cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids });
      // strict answers the order cancelled (2: "the API cancels the order"); the alternative service answers it still in process (6).
      expect(result).toEqual({ status: dialect === "strict" ? "cancelled" : "cancelling" });
      expect(upstream("ORD-CXL").status).toBe(dialect === "strict" ? 2 : 6);
      expect(calls(REFUND)).toBe(1);
      expect(calls(LOOKUP)).toBe(0);
      state.settleRefunds();
      expect(upstream("ORD-CXL").status).toBe(2);
    });

    it("cancels some cards of an order as a partial unsubscribe, naming only those", async () => {
      const { provider, upstream } = await startFixture({ dialect });
      const order = await provider.placeOrder(japan("ORD-PART", 3));
      const all = order.esims.map((esim) => esim.iccid);
      const result = await provider.cancel({ providerOrderRef: order.providerOrderRef, iccids: [all[1]!], allIccids: all });
      expect(result).toEqual({ status: dialect === "strict" ? "partially_cancelled" : "cancelling" });
      const after = upstream("ORD-PART");
      expect(after.status).toBe(dialect === "strict" ? 4 : 7);
      expect(after.cardApiDtoList!.map((card) => card.dpStatus)).toEqual([null, "Disable", null]);
    });

    it("passes refusals through as definite errors: non-refundable (-3), activated (4)", async () => {
      const { provider, state } = await startFixture({ dialect });
      const locked = await provider.placeOrder(japan("ORD-LOCKED", 1, "26:264"));
      const lockedCards = locked.esims.map((esim) => esim.iccid);
      const refused = await provider
        .cancel({ providerOrderRef: locked.providerOrderRef, iccids: lockedCards, allIccids: lockedCards })
        .catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(MioesimOperationFailedError);
      expect(refused).not.toBeInstanceOf(OrderOutcomeUnknownError);
      const used = await provider.placeOrder(japan("ORD-USED"));
      state.activateCard(used.esims[0]!.iccid);
      const abnormal = await provider
        .cancel({ providerOrderRef: used.providerOrderRef, iccids: [used.esims[0]!.iccid], allIccids: [used.esims[0]!.iccid] })
        .catch((err: unknown) => err);
      expect(abnormal).toBeInstanceOf(MioesimOrderStateError);
      expect(abnormal).toBeInstanceOf(ProviderError);
      expect(abnormal).toMatchObject({ code: 4 });
    });

    it("throws OrderOutcomeUnknownError when the refund's answer is lost", async () => {
      const { provider, sim, upstream, calls } = await startFixture({ dialect, client: { timeoutMs: 300 } });
      const order = await provider.placeOrder(japan("ORD-CXL-LOST"));
      const iccids = order.esims.map((esim) => esim.iccid);
      sim.faults.forced.answerLost = 1;
      await expect(provider.cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids })).rejects.toBeInstanceOf(
        OrderOutcomeUnknownError,
      );
      // Cancelled all the same: strict settles at once, the alternative service later.
      expect(upstream("ORD-CXL-LOST").status).toBe(dialect === "strict" ? 2 : 6);
      expect(calls(REFUND)).toBe(1);
    });

    it("never reads a bare acknowledgement as a confirmation", async () => {
      const { provider, sim, upstream } = await startFixture({ dialect, sim: { refundSettleMs: 60_000 } });
      const order = await provider.placeOrder(japan("ORD-CXL-ACK"));
      const iccids = order.esims.map((esim) => esim.iccid);
      sim.faults.forced.refundAcknowledged = 1;
      expect(await provider.cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids })).toEqual({
        status: "cancelling",
      });
      expect(upstream("ORD-CXL-ACK").status).toBe(6);
    });

    it("refuses to cancel a card that is not on the order, before sending", async () => {
      const { provider, calls } = await startFixture({ dialect });
      const order = await provider.placeOrder(japan("ORD-WRONG"));
      await expect(
        provider.cancel({ providerOrderRef: order.providerOrderRef, iccids: ["8985200999999999999"], allIccids: [order.esims[0]!.iccid] }),
      ).rejects.toMatchObject({
        code: "INVALID_CANCEL",
      });
      expect(calls(REFUND)).toBe(0);
    });
  });

  describe("after sale", () => {
    it("renews a card with addEsimOrder and its iccid, without a look-up", async () => {
      const { provider, state, calls, upstream } = await startFixture({ dialect });
      const order = await provider.placeOrder(japan("ORD-R"));
      const iccid = order.esims[0]!.iccid;
      const plans = await provider.listRenewalPlans(iccid);
      expect(plans.map((plan) => plan.planRef)).toEqual(["26:261", "26:262", "26:263", "26:264", "26:266"]);
      const renewal = await provider.renew({ iccid, planRef: "26:263", otherOrderId: "ORD-R-RENEW" });
      expect(renewal.status).toBe("active");
      expect(renewal.esims.every((esim) => esim.iccid === iccid)).toBe(true);
      expect(upstream("ORD-R-RENEW")).toMatchObject({ renew: 1, mainOrderNum: order.providerOrderRef, priceId: 263 });
      expect(calls(LOOKUP)).toBe(0);
      expect(state.orderCount()).toBe(2);
    });

    it("throws OrderOutcomeUnknownError when a renewal's answer is lost", async () => {
      const { provider, sim, state } = await startFixture({ dialect, client: { timeoutMs: 300 } });
      const order = await provider.placeOrder(japan("ORD-R2"));
      sim.faults.forced.answerLost = 1;
      await expect(
        provider.renew({ iccid: order.esims[0]!.iccid, planRef: "26:263", otherOrderId: "ORD-R2-RENEW" }),
      ).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
      expect(state.orderCount()).toBe(2);
    });

    it("reports usage per ICCID, in the order asked", async () => {
      const { provider, state } = await startFixture({ dialect, sim: { usageMbPerMinute: 5 } });
      const order = await provider.placeOrder(japan("ORD-U", 3));
      const [fresh, installed, active] = order.esims.map((esim) => esim.iccid) as [string, string, string];
      state.installCard(installed);
      state.activateCard(active, Date.now() - 10 * 60_000);
      const usage = await provider.getUsage([active, fresh, "8985200999999999999", installed]);
      expect(usage.map((entry) => entry.state)).toEqual(["active", "not_installed", "unknown", "installed"]);
      expect(usage[0]).toMatchObject({ iccid: active, usedMb: 50, totalMb: 1024 });
      expect(Date.parse(usage[0]!.expiresAt!) - Date.parse(usage[0]!.startedAt!)).toBe(7 * 24 * 60 * 60_000);
    });
  });
});
