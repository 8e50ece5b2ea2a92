import { describe, expect, it } from "vitest";
import { OrderOutcomeUnknownError } from "@/lib/providers/errors";
import { MeisimInputError, MeisimNotFoundError, MeisimUpstreamError, type TopupConfirmation } from "@/lib/providers/meisim";
import { ALL_DIALECTS, answeringFetch, calls, clientFor, faultOn, useSimulator } from "./harness";

const RECHARGE = "/api/v1/topup/recharge";
const UK_SIM = { networkName: "Vodafone-UK", contactNumber: "+447700900000" };

describe.each(ALL_DIALECTS)("MeiSIM SIM top-ups, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });
  // The strict dialect words only what the document says: a network's name and currency, no limits, add-ons or charge.
  const rich = dialect !== "strict";

  it("lists networks with their currency, and limits in it when stated", async () => {
    const networks = await clientFor(sim.current.url).topup.networks();
    expect(networks.map((n) => n.name)).toEqual(["Vodafone-UK", "EE-UK", "Orange-FR", "Telcel-MX", "ATT-US"]);
    expect(networks.find((n) => n.name === "Vodafone-UK")).toMatchObject(
      rich
        ? {
            country: "GB",
            currency: "GBP",
            minTopUp: { amountMinor: 500, currency: "GBP" },
            maxTopUp: { amountMinor: 5000, currency: "GBP" },
            bundles: [{ productCode: "VUK-DATA-10", value: { amountMinor: 1000, currency: "GBP" } }],
          }
        : { country: "GB", currency: "GBP", minTopUp: null, maxTopUp: null, bundles: [] },
    );
  });

  it("recharges a confirmed SIM once, charging the wallet in USD", async () => {
    const client = clientFor(sim.current.url);
    const before = (await client.wallet.wallet()).balance.amountMinor;
    const confirmation = await client.topup.confirm(UK_SIM);
    const result = await client.topup.recharge(confirmation, { topUpMinor: 2000 });
    expect(result.topUp).toEqual({ amountMinor: 2000, currency: "GBP" });
    // £20 at 1.27 with the 15% markup.
    const charged = Math.round(2540 * 1.15);
    expect(result.charged).toEqual(rich ? { amountMinor: charged, currency: "USD" } : null);
    expect((await client.wallet.wallet()).balance.amountMinor).toBe(before - charged);
    expect((await client.account.orders())[0]).toMatchObject({ type: "topup", id: result.transactionId });

    await expect(client.topup.recharge(confirmation, { topUpMinor: 2000 })).rejects.toThrow(/used once/);
    expect(calls(sim.current, "POST", RECHARGE)).toBe(1);
  });

  it("treats a lost recharge answer as an unknown outcome, never resent", async () => {
    const client = clientFor(sim.current.url, { timeoutMs: 300, fetchImpl: faultOn(sim.current, RECHARGE, "hangAfterProcessing") });
    const confirmation = await client.topup.confirm(UK_SIM);
    await expect(client.topup.recharge(confirmation, { topUpMinor: 2000 })).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
    expect(calls(sim.current, "POST", RECHARGE)).toBe(1);
    expect(sim.current.state.orders.filter((o) => o.type === "topup")).toHaveLength(1);
  });

  it("reads a 200 that says the SIM is not there as a refusal", async () => {
    const client = clientFor(sim.current.url, {
      fetchImpl: answeringFetch("/api/v1/topup/confirm", () => ({ body: JSON.stringify({ exists: false, message: "Unknown SIM" }) })),
    });
    await expect(client.topup.confirm(UK_SIM)).rejects.toBeInstanceOf(MeisimUpstreamError);
  });

  it("never recharges without a confirmation from this client", async () => {
    const client = clientFor(sim.current.url);
    const forged: TopupConfirmation = { ...UK_SIM, confirmedAt: Date.now() };
    await expect(client.topup.recharge(forged, { topUpMinor: 2000 })).rejects.toBeInstanceOf(MeisimInputError);
    const fromOtherClient = await clientFor(sim.current.url).topup.confirm(UK_SIM);
    await expect(client.topup.recharge(fromOtherClient, { topUpMinor: 2000 })).rejects.toBeInstanceOf(MeisimInputError);
    expect(calls(sim.current, "POST", RECHARGE)).toBe(0);
  });

  it("lets a confirmation expire", async () => {
    const client = clientFor(sim.current.url, { topupConfirmationTtlMs: 1 });
    const confirmation = await client.topup.confirm({ networkName: "Orange-FR", simSerialNumber: "8933010000000000001" });
    await new Promise((r) => setTimeout(r, 5));
    await expect(client.topup.recharge(confirmation, { topUpMinor: 1000 })).rejects.toThrow(/expired/);
  });

  it("answers 404 for a SIM that is not on the network, so nothing is recharged", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.topup.confirm({ networkName: "Vodafone-UK", contactNumber: "+447700909999" })).rejects.toBeInstanceOf(
      MeisimNotFoundError,
    );
    await expect(client.topup.confirm({ networkName: "Nowhere-Mobile", contactNumber: "+447700900000" })).rejects.toBeInstanceOf(
      MeisimNotFoundError,
    );
  });

  it("wants exactly one of number or serial, in a valid format", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.topup.confirm({ networkName: "Vodafone-UK" })).rejects.toBeInstanceOf(MeisimInputError);
    await expect(client.topup.confirm({ ...UK_SIM, simSerialNumber: "8944000000000000001" })).rejects.toBeInstanceOf(MeisimInputError);
    await expect(client.topup.confirm({ networkName: "Vodafone-UK", contactNumber: "07700900000" })).rejects.toThrow(
      /international format/,
    );
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });

  it("relays the network's own limits as a 400", async () => {
    const client = clientFor(sim.current.url);
    const confirmation = await client.topup.confirm(UK_SIM);
    await expect(client.topup.recharge(confirmation, { topUpMinor: 100_00 })).rejects.toMatchObject({
      status: 400,
      message: /between 5 and 50 GBP/,
    });
  });
});
