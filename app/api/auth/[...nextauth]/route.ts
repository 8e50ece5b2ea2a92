import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { confirmPageFor, EMAIL_LINK_CALLBACK_PATH, isPostFromThisSite } from "@/lib/auth/email-link";

/** A fetched email link signs nobody in and uses nothing up: it is sent to the page whose button signs in (see lib/auth/email-link). */
export async function GET(request: NextRequest): Promise<Response> {
  if (request.nextUrl.pathname === EMAIL_LINK_CALLBACK_PATH) return Response.redirect(confirmPageFor(request.nextUrl), 303);
  return handlers.GET(request);
}

export async function POST(request: NextRequest): Promise<Response> {
  if (request.nextUrl.pathname === EMAIL_LINK_CALLBACK_PATH && !isPostFromThisSite(request))
    return new Response("Forbidden: sign in from the page the emailed link opens.", {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  return handlers.POST(request);
}
