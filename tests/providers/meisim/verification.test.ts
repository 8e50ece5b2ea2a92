import { describe, expect, it } from "vitest";
import { MeisimInputError, MeisimInsufficientBalanceError, MeisimNotFoundError } from "@/lib/providers/meisim";
import { addDealer, clientFor, useSimulator } from "./harness";

const lpa = (code: string) => `LPA:1$T-MOBILE.IDEMIA.IO$${code}`;
const LPAS = [lpa("AYU36-O48VE-8PWDE-ZRXGS"), lpa("O0VQX-7MJVW-99Y97-KLSI4"), lpa("ERR00-00000-00000-00000")];

describe("MeiSIM dealer eSIM verification", () => {
  const sim = useSimulator({ checkMsPerRow: 1_000 });

  function pinVerdicts() {
    const forced = sim.current.state.checks.forced;
    forced.set(LPAS[0]!, "available");
    forced.set(LPAS[1]!, "used");
    forced.set(LPAS[2]!, "error");
  }

  it("charges $1 per LPA, progresses over time, and refunds rows that error", async () => {
    pinVerdicts();
    const client = clientFor(sim.current.url);
    const submitted = await client.verification.submit({ lpas: LPAS, notifyEmail: "ops@test.example" });
    expect(submitted).toMatchObject({ totalRows: 3, charged: { amountMinor: 3_00 }, walletBalance: { amountMinor: 497_00 } });

    const running = await client.verification.batch(submitted.batchId);
    expect(running.done).toBe(false);
    expect(running.progress).toMatchObject({ total: 3, pending: 2, inProgress: 1 });
    expect((await client.verification.results(submitted.batchId)).map((r) => r.status)).toEqual(["pending", "pending", "pending"]);

    sim.current.state.advance(3_000);
    const done = await client.verification.batch(submitted.batchId);
    expect(done).toMatchObject({ done: true, paidTotal: { amountMinor: 2_00 }, progress: { available: 1, used: 1, error: 1, pending: 0 } });
    expect(done.completedAt).not.toBeNull();
    const results = await client.verification.results(submitted.batchId);
    expect(results.map((r) => [r.lpa, r.status])).toEqual([
      [LPAS[0], "available"],
      [LPAS[1], "used"],
      [LPAS[2], "error"],
    ]);
    expect(results[0]!.iccid).toMatch(/^\d{19}$/);
    expect((await client.wallet.wallet()).balance.amountMinor).toBe(498_00);
  });

  it("polls to completion with progress", async () => {
    pinVerdicts();
    const client = clientFor(sim.current.url);
    const { batchId } = await client.verification.submit({ lpas: LPAS });
    const seen: number[] = [];
    const timer = setTimeout(() => sim.current.state.advance(10_000), 40);
    const batch = await client.verification.waitForCompletion(batchId, {
      intervalMs: 10,
      timeoutMs: 5_000,
      onProgress: (p) => seen.push(p.done),
    });
    clearTimeout(timer);
    expect(batch.done).toBe(true);
    expect(seen.at(-1)).toBe(3);
    expect(seen.length).toBeGreaterThan(1);
  });

  it("gives up polling after the timeout", async () => {
    const client = clientFor(sim.current.url);
    const { batchId } = await client.verification.submit({ lpas: LPAS });
    await expect(client.verification.waitForCompletion(batchId, { intervalMs: 10, timeoutMs: 50 })).rejects.toMatchObject({
      code: "POLL_TIMEOUT",
    });
  });

  it("validates the batch before sending", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.verification.submit({ lpas: [] })).rejects.toThrow(/no LPAs/);
    await expect(client.verification.submit({ lpas: Array.from({ length: 50_001 }, (_, i) => lpa(`C${i}`)) })).rejects.toThrow(
      /at most 50000/,
    );
    await expect(client.verification.submit({ lpas: [LPAS[0]!, "not-an-lpa"] })).rejects.toThrow(/lpas\[1\]/);
    await expect(client.verification.submit({ lpas: LPAS, notifyEmail: "nope" })).rejects.toBeInstanceOf(MeisimInputError);
    expect(sim.current.sim.requestLog).toHaveLength(0);
  });

  it("takes a large batch", async () => {
    const rich = addDealer(sim.current, 5_000_00);
    const lpas = Array.from({ length: 2_000 }, (_, i) => lpa(`BULK-${i}`));
    const client = clientFor(sim.current.url, { dealerKey: rich.apiKey });
    const submitted = await client.verification.submit({ lpas });
    expect(submitted).toMatchObject({ totalRows: 2_000, charged: { amountMinor: 2_000_00 }, walletBalance: { amountMinor: 3_000_00 } });
    expect(await client.verification.results(submitted.batchId)).toHaveLength(2_000);
  });

  it("answers 402 with the figures and 404 for someone else's batch", async () => {
    const poor = addDealer(sim.current, 2_00);
    const err = await clientFor(sim.current.url, { dealerKey: poor.apiKey })
      .verification.submit({ lpas: LPAS })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeisimInsufficientBalanceError);
    expect(err).toMatchObject({ balance: { amountMinor: 2_00 }, required: { amountMinor: 3_00 } });

    const { batchId } = await clientFor(sim.current.url).verification.submit({ lpas: LPAS });
    const other = addDealer(sim.current, 0);
    await expect(clientFor(sim.current.url, { dealerKey: other.apiKey }).verification.batch(batchId)).rejects.toBeInstanceOf(
      MeisimNotFoundError,
    );
  });
});

describe("MeiSIM portal validator", () => {
  const sim = useSimulator({ checkMsPerRow: 1_000 });

  it("submits rows as CSV, charges per row, and returns results with the given ICCIDs", async () => {
    const client = clientFor(sim.current.url);
    const [sku] = await client.validator.skus();
    expect(sku!.price).toEqual({ amountMinor: 15, currency: "USD" });
    sim.current.state.checks.forced.set(LPAS[2]!, "error");

    const rows = [{ iccid: "8901410000000000001", lpa: LPAS[0]! }, { lpa: LPAS[1]! }, { iccid: "8901410000000000003", lpa: LPAS[2]! }];
    const submitted = await client.validator.submit({ skuId: sku!.id, label: "att-batch, may 12", rows });
    expect(submitted).toMatchObject({ totalRows: 3, cost: { amountMinor: 45 }, perRow: { amountMinor: 15 }, status: "executing" });

    const pending = await client.validator.results(submitted.batchId);
    expect(pending.map((r) => r.iccid)).toEqual(["8901410000000000001", null, "8901410000000000003"]);

    sim.current.state.advance(5_000);
    const batch = await client.validator.batch(submitted.batchId);
    expect(batch).toMatchObject({ label: "att-batch, may 12", done: true, paidTotal: { amountMinor: 30 }, progress: { error: 1 } });
    const results = await client.validator.results(submitted.batchId);
    expect(results.every((r) => r.status !== "pending" && r.checkedAt !== null)).toBe(true);
    expect((await client.wallet.wallet()).balance.amountMinor).toBe(500_00 - 30);
  });

  it("refuses an unknown SKU (404) and empty or malformed rows (before sending)", async () => {
    const client = clientFor(sim.current.url);
    await expect(client.validator.submit({ skuId: "no-such-sku", rows: [{ lpa: LPAS[0]! }] })).rejects.toBeInstanceOf(MeisimNotFoundError);
    await expect(client.validator.submit({ skuId: "x", rows: [] })).rejects.toBeInstanceOf(MeisimInputError);
    await expect(client.validator.submit({ skuId: "x", rows: [{ iccid: "12", lpa: LPAS[0]! }] })).rejects.toThrow(/rows\[0\]\.iccid/);
  });
});
