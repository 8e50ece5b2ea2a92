/**
 * Step-up: an action that moves money, sets prices or works on many records
 * at once needs the admin's password entered within the last 10 minutes, in
 * this session (ASVS 4.3.3 / 3.7.1: re-authentication before sensitive
 * operations). The time is on the session's row, so every instance sees it,
 * and a copied cookie gains nothing a password would not.
 *
 * The answer names the form field the page's password prompt fills
 * (components/admin/step-up-prompt.tsx); the action re-submits with it and
 * the guard checks it before anything changes.
 */
import "server-only";
import { headers } from "next/headers";
import { originFromHeaders, recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import type { User } from "../generated/prisma/client";
import { verifyPassword } from "./password";
import { reserveAttempt } from "./rate-limit";
import { requireAdminSession, type SignedIn } from "./session";
import { recordStepUp } from "./session-store";

export const STEP_UP_MAX_AGE_MS = 10 * 60_000;
/** The form field the password prompt fills. */
export const STEP_UP_FIELD = "stepUpPassword";
/** Wrong passwords per account before the prompt waits: a stolen session cannot guess at length. */
const STEP_UP_ATTEMPTS = { limit: 5, windowMs: 15 * 60_000 };

/** What a guarded action answers instead of acting: the page shows a password prompt and sends the form again. */
export interface StepUpAnswer {
  stepUp: true;
  error: string;
}

export type StepUpCheck = { ok: true } | { ok: false; answer: StepUpAnswer };

export function stepUpIsRecent(stepUpAt: Date | null, now = new Date()): boolean {
  return !!stepUpAt && now.getTime() - stepUpAt.getTime() < STEP_UP_MAX_AGE_MS && stepUpAt <= now;
}

/**
 * Passes when the password was entered in this session in the last 10
 * minutes, or is in `form` now (then the step-up is recorded on the session
 * and in the audit log). Otherwise it answers with a request for the password
 * and the caller must return that answer unchanged, having changed nothing.
 */
export async function requireRecentStepUp(
  signedIn: SignedIn,
  form: FormData,
  origin: RequestOrigin | null,
  now = new Date(),
): Promise<StepUpCheck> {
  if (stepUpIsRecent(signedIn.session.stepUpAt, now)) return { ok: true };
  const password = form.get(STEP_UP_FIELD);
  const refuse = (error: string): StepUpCheck => ({ ok: false, answer: { stepUp: true, error } });
  if (typeof password !== "string" || password === "") return refuse("Confirm your password to continue: nothing was changed yet.");
  const { user } = signedIn;
  const audit = (action: string, details?: Record<string, string>) =>
    recordAudit({ actorId: user.id, action, entityType: "User", entityId: user.id, details, origin });
  const attempt = await reserveAttempt(
    [{ key: `step-up:${user.id}`, limit: STEP_UP_ATTEMPTS.limit }],
    STEP_UP_ATTEMPTS.windowMs,
    now.getTime(),
  );
  if (!attempt.allowed) {
    await audit("auth.step_up_failed", { reason: "rate_limited" });
    return refuse(`Too many wrong passwords; try again in ${Math.ceil(attempt.retryAfterMs / 60_000)} min. Nothing was changed.`);
  }
  const hash = (await db().user.findUnique({ where: { id: user.id }, select: { passwordHash: true } }))?.passwordHash;
  if (!hash) {
    await attempt.release();
    return refuse("Your account has no password: set one before doing this. Nothing was changed.");
  }
  if (password.length > 200 || !(await verifyPassword(password, hash))) {
    await audit("auth.step_up_failed", { reason: "wrong_password" });
    return refuse("That password is not right. Nothing was changed.");
  }
  await attempt.release();
  await recordStepUp(signedIn.session.sessionToken, now);
  await audit("auth.step_up");
  return { ok: true };
}

/**
 * For a server action that needs a step-up: the admin (see
 * requireAdminSession) and where the request came from, once the step-up
 * holds; otherwise the answer to return as it is. Call it before the action
 * changes anything.
 */
export async function requireAdminStepUp(
  returnTo: string,
  form: FormData,
): Promise<{ ok: true; admin: User; origin: RequestOrigin } | { ok: false; answer: StepUpAnswer }> {
  const signedIn = await requireAdminSession(returnTo);
  const origin = originFromHeaders(await headers());
  const check = await requireRecentStepUp(signedIn, form, origin);
  return check.ok ? { ok: true, admin: signedIn.user, origin } : check;
}
