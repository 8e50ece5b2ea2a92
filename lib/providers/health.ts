/**
 * The providers' health for admins: each provider's last successful call and
 * last error (counted by lib/providers/http in this process), its session's
 * expiry, the rate-limit headroom left in MeiSIM's documented groups (from
 * the client's own sliding windows; MeiSIM sends no rate-limit headers), and
 * the MeiSIM dealer wallet against the low-balance alert level an admin sets.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { dealerKeyIssuedAt } from "./credential-store";
import { describeProviderFailure } from "./errors";
import { providerCallHealth, type ProviderCallHealth } from "./http";
import type { MeisimRateGroup } from "./meisim/sliding-window";
import { meisimClient, mioesimClient } from "./registry";

const SETTINGS_ID = 1;

/** The highest alert level accepted: $1,000,000 (MeiSIM top-ups are at most $10,000 each). */
export const MAX_LOW_BALANCE_MINOR = 100_000_000;

/** What MeiSIM's rate-limit table calls each group. */
const GROUP_LABELS: Record<MeisimRateGroup, string> = {
  read: "Reads",
  order: "eSIM orders",
  revoke: "Revokes",
  walletTopup: "Wallet top-up checkout",
  walletTopupIntent: "Wallet top-up intents",
  otpSend: "OTP send (per IP)",
  otpVerify: "OTP verify (per IP)",
  login: "Password login (per IP)",
};

export interface RateHeadroom {
  group: MeisimRateGroup;
  label: string;
  used: number;
  limit: number;
  /** Requests that may still go out in the current window. */
  remaining: number;
  windowMinutes: number;
}

/** Our counters per group against the documented limits. */
export function rateHeadroom(usage: readonly { group: MeisimRateGroup; used: number; limit: number; windowMs: number }[]): RateHeadroom[] {
  return usage.map(({ group, used, limit, windowMs }) => ({
    group,
    label: GROUP_LABELS[group],
    used,
    limit,
    remaining: Math.max(0, limit - used),
    windowMinutes: windowMs / 60_000,
  }));
}

export interface ProviderHealthRow {
  name: string;
  health: ProviderCallHealth;
  session: string;
  /** Per documented group, or why there is none to show. */
  rateLimit: RateHeadroom[] | string;
}

const utc = (at: Date) => `${at.toISOString().replace("T", " ").slice(0, 19)} UTC`;

/** Each provider's row of the health table, as this server process has seen it. */
export async function providerHealthRows(): Promise<ProviderHealthRow[]> {
  const mioRefreshAt = mioesimClient().tokenRefreshAt();
  const mei = meisimClient();
  const jwtExpiresAt = mei.health.dealerTokenExpiresAt();
  const keyIssuedAt = await dealerKeyIssuedAt().catch(() => null);
  const meiSession =
    jwtExpiresAt !== null
      ? `Dealer JWT valid until ${utc(new Date(jwtExpiresAt))}`
      : mei.dealerAuth === "jwt"
        ? "Dealer JWT: not signed in yet"
        : keyIssuedAt
          ? `Dealer key obtained by OTP on ${utc(keyIssuedAt)} (keys do not expire)`
          : "Dealer key from MEISIM_DEALER_KEY (keys do not expire)";
  return [
    {
      name: "MIOeSIM",
      health: providerCallHealth("mioesim"),
      session: mioRefreshAt ? `Token in use until ${utc(mioRefreshAt)}, then renewed (MIOeSIM tokens last 2 hours)` : "Not signed in yet",
      rateLimit: "Not documented by MIOeSIM (no limits, no headers)",
    },
    { name: "MeiSIM", health: providerCallHealth("meisim"), session: meiSession, rateLimit: rateHeadroom(mei.health.rateUsage()) },
  ];
}

// ---------------------------------------------------------------- the dealer wallet's alert level

/** The alert level: as saved on the providers page, else MEISIM_WALLET_LOW_BALANCE_MINOR. */
export async function lowBalanceAlertMinor(): Promise<{ minor: number; source: "saved" | "environment" }> {
  const saved = await db().providerSettings.findUnique({ where: { id: SETTINGS_ID } });
  return saved
    ? { minor: saved.meisimLowBalanceMinor, source: "saved" }
    : { minor: env().MEISIM_WALLET_LOW_BALANCE_MINOR, source: "environment" };
}

export async function saveLowBalanceAlert(minor: number, actor: { actorId: string; reason: string; origin?: RequestOrigin | null }) {
  if (!Number.isInteger(minor) || minor < 0 || minor > MAX_LOW_BALANCE_MINOR) throw new RangeError("alert level out of range");
  const before = await lowBalanceAlertMinor();
  await db().$transaction(async (tx) => {
    await tx.providerSettings.upsert({
      where: { id: SETTINGS_ID },
      create: { id: SETTINGS_ID, meisimLowBalanceMinor: minor, updatedById: actor.actorId },
      update: { meisimLowBalanceMinor: minor, updatedById: actor.actorId },
    });
    await recordAudit(
      {
        actorId: actor.actorId,
        action: "providers.low_balance_alert_set",
        entityType: "ProviderSettings",
        entityId: String(SETTINGS_ID),
        details: { reason: actor.reason, fromMinor: before.minor, toMinor: minor },
        origin: actor.origin,
      },
      tx,
    );
  });
}

export type DealerWalletStatus =
  | { ok: true; balance: { amountMinor: number; currency: string }; alertMinor: number; low: boolean }
  | { ok: false; message: string; alertMinor: number };

/** Low when the balance is under the alert level (at the level is not low). */
export function isLowBalance(balanceMinor: number, alertMinor: number): boolean {
  return balanceMinor < alertMinor;
}

/** The MeiSIM dealer wallet against the alert level, or why it could not be read. */
export async function dealerWalletStatus(): Promise<DealerWalletStatus> {
  const { minor: alertMinor } = await lowBalanceAlertMinor();
  try {
    const { balance } = await meisimClient().wallet.wallet();
    return { ok: true, balance, alertMinor, low: isLowBalance(balance.amountMinor, alertMinor) };
  } catch (err) {
    return { ok: false, message: describeProviderFailure(err), alertMinor };
  }
}
