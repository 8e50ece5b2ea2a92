"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { currentSignIn, safeCallbackPath } from "@/lib/auth/session";
import { verifySecondFactor } from "@/lib/auth/totp";

/** The code after the password: a TOTP code not used before, or an unused recovery code. */
export async function secondFactorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const signedIn = await currentSignIn();
  const callbackUrl = safeCallbackPath(form.get("callbackUrl"));
  if (!signedIn) redirect(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (!signedIn.secondFactorPending) redirect(callbackUrl);
  const code = z.string().trim().min(1).max(20).safeParse(form.get("code"));
  if (!code.success) return { error: "Enter the code from your app, or a recovery code." };
  const result = await verifySecondFactor(signedIn.user.id, code.data, signedIn.session.sessionToken, originFromHeaders(await headers()));
  if (!result.ok) return { error: result.error };
  redirect(callbackUrl);
}
