/**
 * Fail-closed readings of the MeiSIM client, written from the document's
 * rules against the variant dialects: an answer the document does not
 * describe (an unlisted HTTP status, a status word other than "Success") is
 * an unknown outcome, never a refusal that would let the order be placed
 * again, and never a success. Two readings live above the client, and are
 * tested there: a 2xx recharge answer counts only once the order history
 * confirms it (tests/db/mobile-topup.test.ts), and an empty history is
 * believed "absent" only after the absence window
 * (tests/db/orders-unknown-outcomes.test.ts).
 */
import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError } from "@/lib/providers/errors";
import { MeisimProvider } from "@/lib/providers/meisim";
import type { MeisimDialect } from "@/simulators/meisim";
import { calls, clientFor, silentLogger, useSimulator } from "./harness";

const PLAN = "esim_3gb_15days_fr";
const ORDER = "/api/v1/esim/order";
const RECHARGE = "/api/v1/topup/recharge";
const UK_SIM = { networkName: "Vodafone-UK", contactNumber: "+447700900000" };

describe.each([
  ["unlisted-code", "HTTP 409 after placing"],
  ["unknown-status", 'Status "Pending"'],
] as [MeisimDialect, string][])("MeiSIM eSIM order, %s dialect (%s)", (dialect) => {
  const sim = useSimulator({ dialect });

  it("is an unknown outcome, with one upstream order and nothing resent", async () => {
    const provider = new MeisimProvider(clientFor(sim.current.url, { rateLimits: { read: null } }), { logger: silentLogger });
    const error = await provider
      .placeOrder({ planRef: PLAN, otherOrderId: `FC-${dialect}`, itemIds: [`FC-${dialect}-1`] })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect(sim.current.state.orders).toHaveLength(1);
    expect(calls(sim.current, "POST", ORDER)).toBe(1);
  });
});

describe.each(["unlisted-code"] as MeisimDialect[])("MeiSIM recharge, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });

  it("is an unknown outcome, never a success or a refusal", async () => {
    const client = clientFor(sim.current.url);
    const confirmation = await client.topup.confirm(UK_SIM);
    await expect(client.topup.recharge(confirmation, { topUpMinor: 2000 })).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    expect(sim.current.state.orders.filter((order) => order.type === "topup")).toHaveLength(1);
    expect(calls(sim.current, "POST", RECHARGE)).toBe(1);
  });
});
