import { describe, expect, it } from "vitest";
import { MeisimInputError, MeisimInsufficientBalanceError, MeisimNotFoundError, type DealerOrderInput } from "@/lib/providers/meisim";
import { DEALER_ADDRESS as ADDRESS } from "../../support/us-prepaid";
import { ProviderResponseError } from "@/lib/providers/errors";
import { addDealer, ALL_DIALECTS, clientFor, DEMO, recordingLogger, useSimulator } from "./harness";

const US_PREPAID: DealerOrderInput = {
  productId: "p3:att-prepaid-30",
  customerEmail: "end@test.example",
  customerName: "Jane Doe",
  imei: "359123456789012",
  eid: "89001012012341234012345678901224",
  address: ADDRESS,
};

const today = () => new Date().toISOString().slice(0, 10);

describe("MeiSIM wallet", () => {
  const sim = useSimulator();

  it("reports balance, markup, resend fee and transactions in minor units", async () => {
    const wallet = await clientFor(sim.current.url).wallet.wallet();
    expect(wallet).toMatchObject({
      balance: { amountMinor: 500_00, currency: "USD" },
      markupPct: 15,
      resendFee: { amountMinor: 100, currency: "USD" },
      email: DEMO.email,
    });
    expect(wallet.transactions[0]).toMatchObject({ type: "topup", amount: { amountMinor: 500_00 }, balanceAfter: { amountMinor: 500_00 } });
  });

  it("parses the statement CSV, quoted descriptions included, within a date range", async () => {
    const client = clientFor(sim.current.url);
    const order = await client.esim.order({ bundleName: "esim_1gb_7days_fr" });
    const demo = sim.current.state.dealerByEmail(DEMO.email)!;
    sim.current.state.credit(demo, 2_50, "refund", 'Goodwill, "sorry"\nsecond line');

    const rows = await client.wallet.statement({ from: today(), to: today() });
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({
      type: "debit",
      amount: { amountMinor: -order.charged!.amountMinor },
      orderId: order.orderId,
      stripeSessionId: null,
    });
    expect(rows[2]).toMatchObject({ description: 'Goodwill, "sorry"\nsecond line', amount: { amountMinor: 250 } });
    expect(rows[2]!.balanceAfter.amountMinor).toBe(500_00 - order.charged!.amountMinor + 250);

    expect(await client.wallet.statement({ from: "2020-01-01", to: "2020-01-31" })).toEqual([]);
    expect(await client.wallet.statement()).toHaveLength(3);
  });

  it("checks the statement range before sending", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.wallet.statement({ from: "2026-05-02", to: "2026-05-01" })).rejects.toBeInstanceOf(MeisimInputError);
    await expect(client.wallet.statement({ from: "2026-02-30" })).rejects.toThrow(/YYYY-MM-DD/);
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });

  it("never hands over a checkout page on a host off MEISIM_URL_HOSTS (a tampered answer), and logs the refusal", async () => {
    const logger = recordingLogger();
    // The simulator's checkout pages are on its own host; a list without it stands for an answer pointing elsewhere.
    const client = clientFor(sim.current.url, { urlHosts: "checkout.stripe.com", logger });
    await expect(client.wallet.topup(100_00)).rejects.toBeInstanceOf(ProviderResponseError);
    expect(logger.entries.some((e) => e.msg.startsWith("provider URL refused") && e.fields?.provider === "meisim")).toBe(true);
    // By default the base URL's host is the list.
    expect(new URL((await clientFor(sim.current.url).wallet.topup(100_00)).checkoutUrl).host).toBe(new URL(sim.current.url).host);
  });

  it("creates a Stripe checkout for $50–$10,000 that credits the wallet once paid", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.wallet.topup(49_99)).rejects.toBeInstanceOf(MeisimInputError);
    await expect(client.wallet.topup(10_000_01)).rejects.toBeInstanceOf(MeisimInputError);
    expect(sim.current.sim.requestLog).toHaveLength(0);

    const checkout = await client.wallet.topup(100_00);
    expect(checkout).toMatchObject({ net: { amountMinor: 100_00 }, gross: { amountMinor: 103_30 }, fee: { amountMinor: 3_30 } });
    const page = await fetch(checkout.checkoutUrl);
    expect(await page.text()).toContain("$100.00");
    const sessionId = checkout.checkoutUrl.split("/").at(-1)!;
    await fetch(`${sim.current.url}/__sim/payments/${sessionId}/complete`, { method: "POST" });
    const wallet = await client.wallet.wallet();
    expect(wallet.balance.amountMinor).toBe(600_00);
    expect(wallet.transactions[0]).toMatchObject({ type: "topup", stripeSessionId: sessionId, amount: { amountMinor: 100_00 } });
  });

  it("creates payment intents and previews the fee", async () => {
    const client = clientFor(sim.current.url);
    const intent = await client.wallet.topupIntent(250_00);
    expect(intent.clientSecret).toMatch(/^pi_/);
    expect(intent.publishableKey).toMatch(/^pk_/);
    expect(await client.wallet.topupPreview(250_00)).toEqual({ net: intent.net, gross: intent.gross, fee: intent.fee });
  });
});

describe("MeiSIM wallet orders", () => {
  const sim = useSimulator();

  it("orders a US prepaid line from the wallet", async () => {
    const result = await clientFor(sim.current.url).wallet.order({ ...US_PREPAID, quantity: 2 });
    expect(result).toMatchObject({
      unitPrice: { amountMinor: 25_00 },
      total: { amountMinor: 50_00 },
      newBalance: { amountMinor: 450_00 },
    });
    expect(result.shortId).toMatch(/^MM-/);
  });

  it.each([
    ["imei", { imei: undefined }, /imei: is required/],
    ["imei", { imei: "35912345678901" }, /imei: must be 15 digits/],
    ["eid", { eid: "89001012-not-hex-0000000000000000" }, /eid: must be 32 hexadecimal/],
    ["address", { address: undefined }, /address: is required/],
    ["address.zip_code", { address: { ...ADDRESS, zip_code: "ABCDE" } }, /zip_code/],
    ["quantity", { quantity: 21 }, /quantity/],
    ["customerEmail", { customerEmail: "nope" }, /customerEmail/],
  ])("refuses a bad %s before sending", async (_field, change, message) => {
    await expect(clientFor(sim.current.url).wallet.order({ ...US_PREPAID, ...change })).rejects.toThrow(message);
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });

  it("does not ask non-prepaid products for device details", async () => {
    const result = await clientFor(sim.current.url).wallet.order({
      productId: "p1:esim-eu-5gb-30",
      customerEmail: "end@test.example",
      customerName: "Jo",
    });
    expect(result.total.amountMinor).toBe(12_00);
  });

  it("answers 402 with balance and required, and 404 for an unknown product", async () => {
    const poor = addDealer(sim.current, 10_00);
    const client = clientFor(sim.current.url, { dealerKey: poor.apiKey });
    const err = await client.wallet.order(US_PREPAID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimInsufficientBalanceError);
    expect(err).toMatchObject({
      status: 402,
      apiError: "INSUFFICIENT_FUNDS",
      balance: { amountMinor: 10_00 },
      required: { amountMinor: 25_00 },
      shortfall: { amountMinor: 15_00 },
    });
    await expect(client.wallet.order({ ...US_PREPAID, productId: "p9:no-such-thing" })).rejects.toBeInstanceOf(MeisimNotFoundError);
  });
});

describe.each(ALL_DIALECTS)("MeiSIM resend and replace (answers the document does not shape), %s dialect", (dialect) => {
  const sim = useSimulator({ dialect });

  it("resends the activation email for the fee and replaces an eSIM at the current price", async () => {
    const client = clientFor(sim.current.url);
    const order = await client.wallet.order(US_PREPAID);
    const resent = await client.wallet.resendEmail(order.orderId, "other@test.example");
    const usd = (amountMinor: number) => ({ amountMinor, currency: "USD" });
    expect(resent).toEqual(
      dialect === "strict"
        ? { sentTo: "other@test.example", fee: null, newBalance: null }
        : { sentTo: "other@test.example", fee: usd(100), newBalance: usd(474_00) },
    );
    expect((await client.wallet.resendEmail(order.orderId)).sentTo).toBe(dialect === "strict" ? null : US_PREPAID.customerEmail);
    expect((await client.wallet.wallet()).balance.amountMinor).toBe(473_00);

    const replacement = await client.wallet.replace(order.orderId);
    expect(replacement.orderId).toBe(sim.current.state.orders.at(-1)!.id);
    expect(replacement.orderId).not.toBe(order.orderId);
    expect(replacement).toMatchObject({ unitPrice: usd(25_00), total: usd(25_00), newBalance: usd(448_00) });
    await expect(client.wallet.replace("ord_missing")).rejects.toBeInstanceOf(MeisimNotFoundError);
    await expect(client.wallet.resendEmail("ord_missing")).rejects.toBeInstanceOf(MeisimNotFoundError);
  });
});
