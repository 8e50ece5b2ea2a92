import type { NextRequest } from "next/server";
import { originFromHeaders } from "@/lib/audit";
import { confirmEmail } from "@/lib/auth/email-verification";
import { safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema } from "@/lib/auth/users";
import { env } from "@/lib/config/env";

/** The link in the confirmation email: uses it up, then sends the visitor to sign in. */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const email = EmailSchema.safeParse(params.get("email"));
  const token = params.get("token");
  const callbackUrl = safeCallbackPath(params.get("callbackUrl"));
  const confirmed =
    email.success && token && (await confirmEmail(email.data, token, originFromHeaders(request.headers))) ? email.data : null;
  const target = new URL("/sign-in", env().APP_URL);
  target.search = new URLSearchParams(confirmed ? { confirmed, callbackUrl } : { error: "EmailConfirmation", callbackUrl }).toString();
  return Response.redirect(target, 303);
}
