/** What an eSIM's reported usage means: percent used, days left, and which reminders are due. */
import { describe, expect, it } from "vitest";
import { daysLeft, percentUsed, remindersDue } from "@/lib/esims/usage";
import type { EsimUsage } from "@/lib/providers/types";

const NOW = new Date("2026-12-02T12:00:00Z");
const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const usage = (fields: Partial<EsimUsage>): EsimUsage => ({
  iccid: "8985202000000000001",
  state: "active",
  usedMb: 0,
  totalMb: 1024,
  startedAt: at(-48 * HOUR),
  expiresAt: at(120 * HOUR),
  ...fields,
});

describe("eSIM usage", () => {
  it("rounds the share of data used, and has none for an unlimited plan", () => {
    expect(percentUsed({ usedMb: 830, totalMb: 1024 })).toBe(81);
    expect(percentUsed({ usedMb: 2000, totalMb: 1024 })).toBe(100);
    expect(percentUsed({ usedMb: 500, totalMb: null })).toBeNull();
  });

  it("counts days left rounded up, 0 once ended, and none before the plan starts", () => {
    expect(daysLeft(at(49 * HOUR), NOW)).toBe(3);
    expect(daysLeft(at(1 * HOUR), NOW)).toBe(1);
    expect(daysLeft(at(-1), NOW)).toBe(0);
    expect(daysLeft(null, NOW)).toBeNull();
  });

  it("is due the data reminder from 80% used, and the expiry reminder within 3 days of the end", () => {
    expect(remindersDue(usage({ usedMb: 819 }), NOW)).toEqual([]);
    expect(remindersDue(usage({ usedMb: 820 }), NOW)).toEqual(["data"]);
    expect(remindersDue(usage({ expiresAt: at(72 * HOUR) }), NOW)).toEqual(["expiry"]);
    expect(remindersDue(usage({ expiresAt: at(72 * HOUR + 1) }), NOW)).toEqual([]);
    expect(remindersDue(usage({ state: "depleted", usedMb: 1024, expiresAt: at(HOUR) }), NOW)).toEqual(["data", "expiry"]);
  });

  it("is due nothing for a plan that ended, a card that is gone or unknown, or an unlimited allowance's data", () => {
    expect(remindersDue(usage({ usedMb: 1000, expiresAt: at(-1) }), NOW)).toEqual([]);
    expect(remindersDue(usage({ state: "expired", usedMb: 1000, expiresAt: at(-1) }), NOW)).toEqual([]);
    expect(remindersDue(usage({ state: "deleted", usedMb: 1000 }), NOW)).toEqual([]);
    expect(remindersDue(usage({ state: "unknown", usedMb: 1000 }), NOW)).toEqual([]);
    expect(remindersDue(usage({ totalMb: null, usedMb: 50_000 }), NOW)).toEqual([]);
  });
});
