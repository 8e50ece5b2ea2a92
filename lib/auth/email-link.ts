/**
 * Email-link (magic link) sign-in without login CSRF. Auth.js signs in when
 * its callback URL is fetched, so anyone who gets a browser to fetch a link
 * to their own account (an <img>, a redirect) would sign that browser in as
 * them, and a mail scanner fetching a customer's link would use it up. The
 * emailed link therefore opens our confirm page instead, which changes
 * nothing; its button posts to the callback, and only a post from this
 * site's own page reaches Auth.js (app/api/auth/[...nextauth]/route.ts).
 */
import "server-only";
import { env } from "../config/env";

export const EMAIL_LINK_CALLBACK_PATH = "/api/auth/callback/email";
export const EMAIL_LINK_CONFIRM_PATH = "/sign-in/confirm";

/** What the callback reads from its query: the rest of a link is dropped. */
const LINK_PARAMS = ["token", "email", "callbackUrl"] as const;

function withLinkParams(path: string, from: URLSearchParams): URL {
  const url = new URL(path, env().APP_URL);
  for (const name of LINK_PARAMS) {
    const value = from.get(name);
    if (value !== null) url.searchParams.set(name, value);
  }
  return url;
}

/** The confirm page for an Auth.js callback URL (the one put in the email, or one fetched directly). */
export function confirmPageFor(callbackUrl: string | URL): string {
  return withLinkParams(EMAIL_LINK_CONFIRM_PATH, new URL(callbackUrl).searchParams).href;
}

/** The callback the confirm page's button posts to, from the page's query. */
export function callbackFor(query: URLSearchParams): string {
  const url = withLinkParams(EMAIL_LINK_CALLBACK_PATH, query);
  return url.pathname + url.search;
}

/**
 * A post sent by a page of this site: browsers name the page's origin in
 * Origin on every post (and say same-origin in Sec-Fetch-Site), and a page
 * elsewhere cannot make them name ours. No Origin at all is refused too.
 */
export function isPostFromThisSite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  return request.headers.get("origin") === new URL(env().APP_URL).origin && (site === null || site === "same-origin");
}
