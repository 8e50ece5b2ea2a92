/**
 * What the mobile top-up test files share: a top-up request on the strict
 * MeiSIM simulator, a funded customer, and the top-up row with its timeline.
 */
import { db } from "@/lib/db/client";
import { Role } from "@/lib/generated/prisma/client";
import type { StartTopupInput } from "@/lib/topup/topups";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { createUser, type BillingWorld } from "./fake-stripe";
import { unique } from "./providers";

export const CONFIRM = "/api/v1/topup/confirm";
export const RECHARGE = "/api/v1/topup/recharge";
/** £20 on Vodafone-UK: MeiSIM takes 20 × 1.27 × 1.15 = $29.21; with the 10 % top-up markup, up to the next .99. */
export const PRICE_MINOR = 3299;

let address = 0;
/** A client address of its own: a fresh IPv6 /64 per call. */
export const newClient = () => `2001:db8:${(address += 1).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}::1`;

export const topupInput = (overrides: Partial<StartTopupInput> = {}): StartTopupInput => ({
  user: null,
  email: `guest-${unique()}@topup.test`,
  networkName: "Vodafone-UK",
  targetKind: "phone",
  target: "+44 7700 900123",
  faceValue: "20",
  // Each test checks numbers from its own client (an IPv6 /64 of its own), so the per-client limits never carry over between runs.
  origin: { ip: newClient(), userAgent: null },
  ...overrides,
});

export async function customerWithWallet(balanceMinor: number) {
  const [user, admin] = await Promise.all([createUser(), createUser(Role.ADMIN)]);
  await adjustWallet({ userId: user.id, amountMinor: balanceMinor, reason: "Test funding", authorId: admin.id });
  return user;
}

export const topupRow = (id: string) =>
  db().mobileTopup.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { createdAt: "asc" } } } });

/** The next recharge is made at MeiSIM, but its answer never comes back (the client times out). */
export function loseNextRechargeAnswer(world: BillingWorld): void {
  const { state, sim } = world.providers.meisim;
  const record = state.recordTopupOrder.bind(state);
  state.recordTopupOrder = (...args) => {
    state.recordTopupOrder = record;
    sim.faults.hangAfterProcessing = 1;
    return record(...args);
  };
}
