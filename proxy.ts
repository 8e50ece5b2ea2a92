/**
 * Runs before every page, route handler and server action (static assets
 * excepted): refuses paths that cannot be decoded, and sets the security
 * headers, including the Content Security Policy whose nonce Next.js reads
 * back from the request and stamps on its scripts (see lib/security/headers).
 */
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/config/env";
import { contentSecurityPolicy, newNonce, securityHeaders, servedOverHttps, usesNonce } from "@/lib/security/headers";
import { isDecodablePath } from "@/lib/validation";

export function proxy(request: NextRequest): NextResponse {
  const { APP_URL, NODE_ENV } = env();
  const https = servedOverHttps(APP_URL);
  const { pathname } = request.nextUrl;
  const decodable = isDecodablePath(pathname);
  const nonce = decodable && usesNonce(pathname) ? newNonce() : null;
  const csp = contentSecurityPolicy({ nonce, dev: NODE_ENV === "development", https });

  let response: NextResponse;
  if (!decodable) {
    response = refusal(400, "Bad request: this address is not valid.");
  } else if (isCrossSiteActionPost(request)) {
    response = refusal(403, "Forbidden: forms from other sites are not accepted.");
  } else {
    // Next.js takes the nonce from the request's policy; a policy sent by the client must never be the one it reads.
    const forwarded = new Headers(request.headers);
    forwarded.delete("content-security-policy-report-only");
    if (nonce) forwarded.set("content-security-policy", csp);
    else forwarded.delete("content-security-policy");
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [name, value] of Object.entries(securityHeaders({ csp, https }))) response.headers.set(name, value);
  return response;
}

function refusal(status: number, message: string): NextResponse {
  return new NextResponse(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * A server action posted from another site. Next.js refuses it too, but by
 * throwing, which answers 500; this answers 403 first. The same comparison as
 * Next.js's: the Origin's host against the host the request was sent to.
 */
function isCrossSiteActionPost(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  if (request.method !== "POST" || !request.headers.has("next-action") || origin === null) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return !URL.canParse(origin) || new URL(origin).host !== host;
}

export const config = {
  // Hashed build assets need none of this and are the bulk of requests.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
