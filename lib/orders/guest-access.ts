/**
 * The signed link that opens a guest order: its page, its eSIMs' PDFs and
 * its actions, for that one order only, for GUEST_LINK_DAYS after it was
 * issued, and only if it was issued after the order's links were last
 * revoked (Order.guestLinksRevokedAt, set from the admin order desk).
 *
 * The key is `<issued at, ms in base 36>.<HMAC of the order reference and
 * that time>` under a key derived from AUTH_SECRET, not a random token
 * stored hashed: the link must be built again long after checkout (the
 * delivery email is sent by a job, and can be resent, which issues a fresh
 * link: that is how a customer renews an expired one), and a hashed token
 * cannot be turned back into a link, while a token stored in the clear
 * would be a usable secret in every database dump. Nothing is stored but
 * the revocation time, so a database leak yields no links. Changing
 * AUTH_SECRET voids every link (as it ends every session). Keys of the
 * first form (an HMAC of the reference alone, no issue time) can never
 * expire, so they are refused: such links fail closed, and a resent email
 * replaces them.
 */
import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { env } from "../config/env";
import type { Order } from "../generated/prisma/client";

/** The query parameter that carries the key. */
export const ORDER_ACCESS_PARAM = "key";

const DAY_MS = 86_400_000;
/** A key issued this far in the future still counts (clocks of two web instances differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;
const KEY_FORM = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

/** Its own key, so an order link can never be mistaken for anything else AUTH_SECRET signs. */
function signingKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", env().AUTH_SECRET, "", "RoamSIM guest order link v2", 32));
}

function mac(otherOrderId: string, issued: string): string {
  return createHmac("sha256", signingKey()).update(`${otherOrderId}\n${issued}`).digest("base64url");
}

/** A fresh key for a guest order's link, issued `now`. */
export function orderAccessKey(otherOrderId: string, now = new Date()): string {
  const issued = now.getTime().toString(36);
  return `${issued}.${mac(otherOrderId, issued)}`;
}

type GuardedOrder = Pick<Order, "otherOrderId" | "guestLinksRevokedAt">;

/**
 * Whether `key` opens this order now: signed for it (compared in constant
 * time), issued less than GUEST_LINK_DAYS ago, and after the order's links
 * were last revoked.
 */
export function isOrderAccessKey(order: GuardedOrder, key: unknown, now = new Date()): boolean {
  if (typeof key !== "string") return false;
  const form = KEY_FORM.exec(key);
  if (!form) return false;
  const [, issued, given] = form as unknown as [string, string, string];
  const expected = Buffer.from(mac(order.otherOrderId, issued));
  if (!timingSafeEqual(Buffer.from(given), expected)) return false;
  const issuedAt = parseInt(issued, 36);
  if (issuedAt > now.getTime() + CLOCK_SKEW_MS) return false;
  if (issuedAt <= now.getTime() - env().GUEST_LINK_DAYS * DAY_MS) return false;
  return order.guestLinksRevokedAt === null || issuedAt > order.guestLinksRevokedAt.getTime();
}

/** `path` with `key` (one the viewer presented, or a fresh one) added to its query. */
export function withAccessKey(path: string, key: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${ORDER_ACCESS_PARAM}=${encodeURIComponent(key)}`;
}

/** `path` with a freshly issued key of the order added to its query. */
export function withOrderAccess(path: string, otherOrderId: string): string {
  return withAccessKey(path, orderAccessKey(otherOrderId));
}

type LinkedOrder = Pick<Order, "otherOrderId" | "guestCheckout">;

/**
 * The order page as a path on this site: plain (behind sign-in) for an
 * account's order; for a guest order, signed with `key` (the one the viewer
 * came with, so that viewing a page never extends a link) or a fresh one.
 */
export function orderPagePath(order: LinkedOrder, key?: string | null): string {
  const path = `/orders/${encodeURIComponent(order.otherOrderId)}`;
  if (!order.guestCheckout) return path;
  return withAccessKey(path, key ?? orderAccessKey(order.otherOrderId));
}

/** The order page's full address from APP_URL, for email (a fresh link) or the page that hands the viewer's link over. */
export function orderAccessUrl(order: LinkedOrder, key?: string | null): string {
  return new URL(orderPagePath(order, key), env().APP_URL).href;
}
