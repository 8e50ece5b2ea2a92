/**
 * What an eSIM's usage, as a provider reports it, means for the customer:
 * how much is used, how long is left, and which reminders are due. Pure, so
 * the My eSIMs page and the reminder job read it the same way.
 */
import type { EsimUsage } from "../providers/types";

const DAY_MS = 86_400_000;

/** The share of data used that earns the data reminder. */
export const DATA_REMINDER_RATIO = 0.8;
/** How close to its end a plan earns the expiry reminder. */
export const EXPIRY_REMINDER_DAYS = 3;

export type ReminderDue = "data" | "expiry";

/** Whole percent of the plan's data used (0–100), or null for an unlimited or unknown allowance. */
export function percentUsed(usage: Pick<EsimUsage, "usedMb" | "totalMb">): number | null {
  if (!usage.totalMb || usage.totalMb <= 0) return null;
  return Math.min(100, Math.max(0, Math.round((usage.usedMb / usage.totalMb) * 100)));
}

/** Days (rounded up) until the plan ends; 0 once it has; null when the provider gives no end (not yet active). */
export function daysLeft(expiresAt: string | null, now: Date): number | null {
  if (!expiresAt) return null;
  const ms = Date.parse(expiresAt) - now.getTime();
  if (Number.isNaN(ms)) return null;
  return ms <= 0 ? 0 : Math.ceil(ms / DAY_MS);
}

/** A plan still running: its card is usable and the provider says so. */
function running(usage: EsimUsage): boolean {
  return usage.state === "installed" || usage.state === "active" || usage.state === "depleted";
}

/**
 * The reminders this usage calls for now: "data" once 80% of a limited
 * allowance is used, "expiry" when the plan ends within 3 days. Nothing for
 * a plan that has ended, a card that is not running, or one the provider
 * does not know.
 */
export function remindersDue(usage: EsimUsage, now: Date): ReminderDue[] {
  const endsInMs = usage.expiresAt ? Date.parse(usage.expiresAt) - now.getTime() : Number.NaN;
  if (!running(usage) || endsInMs <= 0) return [];
  const due: ReminderDue[] = [];
  if (usage.totalMb && usage.totalMb > 0 && usage.usedMb >= usage.totalMb * DATA_REMINDER_RATIO) due.push("data");
  if (endsInMs <= EXPIRY_REMINDER_DAYS * DAY_MS) due.push("expiry");
  return due;
}
