/**
 * The signed link that opens a guest order: its page, its eSIMs' PDFs and
 * its actions, for that one order only.
 *
 * The key is an HMAC of the order reference under a key derived from
 * AUTH_SECRET, not a random token stored hashed: the link must be built
 * again long after checkout (the delivery email is sent by a job, and can
 * be resent), and a hashed token cannot be turned back into a link, while a
 * token stored in the clear would be a usable secret in every database dump.
 * Nothing is stored, so a database leak yields no links. Changing
 * AUTH_SECRET voids every link (as it ends every session).
 */
import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { env } from "../config/env";
import type { Order } from "../generated/prisma/client";

/** The query parameter that carries the key. */
export const ORDER_ACCESS_PARAM = "key";

/** Its own key, so an order link can never be mistaken for anything else AUTH_SECRET signs. */
function signingKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", env().AUTH_SECRET, "", "RoamSIM guest order link v1", 32));
}

/** The key in a guest order's link: 43 base64url characters (256 bits). */
export function orderAccessKey(otherOrderId: string): string {
  return createHmac("sha256", signingKey()).update(otherOrderId).digest("base64url");
}

/** Whether `key` is the one for this order; compared in constant time. */
export function isOrderAccessKey(otherOrderId: string, key: unknown): boolean {
  if (typeof key !== "string") return false;
  const given = Buffer.from(key);
  const expected = Buffer.from(orderAccessKey(otherOrderId));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `path` with the order's key added to its query. */
export function withOrderAccess(path: string, otherOrderId: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${ORDER_ACCESS_PARAM}=${orderAccessKey(otherOrderId)}`;
}

type LinkedOrder = Pick<Order, "otherOrderId" | "guestCheckout">;

/** The order page as a path on this site: signed for a guest order, plain (behind sign-in) for an account's order. */
export function orderPagePath(order: LinkedOrder): string {
  const path = `/orders/${encodeURIComponent(order.otherOrderId)}`;
  return order.guestCheckout ? withOrderAccess(path, order.otherOrderId) : path;
}

/** The order page's full address from APP_URL, for email: opens without sign-in for a guest order. */
export function orderAccessUrl(order: LinkedOrder): string {
  return new URL(orderPagePath(order), env().APP_URL).href;
}
