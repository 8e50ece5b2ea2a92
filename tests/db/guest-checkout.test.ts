/**
 * Guest checkout: an order for an email address alone, paid by card; the
 * signed link that opens it (and nothing else); its limits per email and per
 * client address; no wallet for it; and the orders reaching an account once
 * the address is verified.
 */
import { describe, expect, it } from "vitest";
import { claimUnconfirmedAccount } from "@/lib/auth/email-verification";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { AUTH_LIMITS, RateLimitedError } from "@/lib/auth/rate-limit";
import { registerCustomer, SignUpSchema } from "@/lib/auth/users";
import { createGuestOrderCheckout, createOrderCheckout } from "@/lib/billing/checkout";
import { BillingError } from "@/lib/billing/errors";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { readOutbox } from "@/lib/email/outbox";
import { Role } from "@/lib/generated/prisma/client";
import { revokeGuestLinks } from "@/lib/orders/admin-desk";
import { renewalOptions } from "@/lib/orders/after-sale";
import { isOrderAccessKey, orderAccessKey, orderAccessUrl } from "@/lib/orders/guest-access";
import { findOrderForViewer, listOrdersForUser, orderDeliveringEsim, orderOwnerForViewer } from "@/lib/orders/orders";
import { cancelUnpaidOrder } from "@/lib/orders/unpaid";
import { adjustWallet } from "@/lib/wallet/adjustments";
import { billingWorldPerFile, createPendingOrder, createUser, walletState } from "../support/fake-stripe";
import { catalogPlan, deliveredOrder, unique } from "../support/providers";

const world = billingWorldPerFile();

let addressSerial = 0;
/** A client address no other test uses, so its limits start untouched. */
const newOrigin = () => ({ ip: `198.18.${Math.floor(Math.random() * 250)}.${++addressSerial}`, userAgent: "vitest" });
const newEmail = (tag: string) => `guest-${tag}-${unique()}@example.test`;

const planPriced = (priceMinor: number) => catalogPlan({ provider: "mioesim", planRef: "26:261", priceMinor });

async function guestCheckout(email: string, options: { quantity?: number; origin?: { ip: string; userAgent: string } } = {}) {
  const plan = await planPriced(1299);
  return createGuestOrderCheckout({ email, planId: plan.id, quantity: options.quantity ?? 1, origin: options.origin ?? newOrigin() });
}

const orderRow = (otherOrderId: string) => db().order.findUniqueOrThrow({ where: { otherOrderId }, include: { user: true } });

describe("guest checkout", () => {
  it("opens Stripe Checkout for the order's total with the guest's email, and returns to signed pages", async () => {
    const email = newEmail("stripe");
    const checkout = await guestCheckout(email, { quantity: 2 });
    const session = await world.stripe.checkout.sessions.retrieve(checkout.sessionId);

    expect(session.customer_email).toBe(email);
    expect(session.amount_total).toBe(2 * 1299);
    const success = new URL(session.success_url!.replace("{CHECKOUT_SESSION_ID}", "cs_x"));
    expect(`${success.origin}${success.pathname}`).toBe("http://shop.test/checkout/success");
    expect(success.searchParams.get("order")).toBe(checkout.otherOrderId);
    const cancel = new URL(session.cancel_url!);
    expect(`${cancel.origin}${cancel.pathname}?order=${cancel.searchParams.get("order")}`).toBe(
      `http://shop.test/checkout/cancelled?order=${checkout.otherOrderId}`,
    );
    const row = await db().order.findUniqueOrThrow({ where: { otherOrderId: checkout.otherOrderId } });
    for (const url of [success, cancel]) expect(isOrderAccessKey(row, url.searchParams.get("key"))).toBe(true);

    const order = await orderRow(checkout.otherOrderId);
    expect(order).toMatchObject({ guestCheckout: true, quantity: 2, amountMinor: 2598, paymentMethod: "CARD", status: "PENDING_PAYMENT" });
    // An account nobody can sign in to yet: no password, the address unconfirmed.
    expect(order.user).toMatchObject({ email, passwordHash: null, emailVerified: null, role: Role.CUSTOMER });
    expect(await db().auditLog.count({ where: { action: "user.guest_created", entityId: order.userId } })).toBe(1);
  });

  it("puts a second order for the same address in the same account", async () => {
    const email = newEmail("twice");
    const first = await guestCheckout(email);
    const second = await guestCheckout(email);
    expect((await orderRow(second.otherOrderId)).userId).toBe((await orderRow(first.otherOrderId)).userId);
    expect(await db().user.count({ where: { email } })).toBe(1);
  });

  it("refuses an address whose account is disabled, creating no order", async () => {
    const user = await createUser();
    await db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await expect(guestCheckout(user.email)).rejects.toMatchObject({ code: "guest_checkout_refused" });
    expect(await db().order.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("the signed order link", () => {
  it("is a 256-bit key per order, stamped with its issue time, that only its own order accepts", async () => {
    const [a, b] = [await guestCheckout(newEmail("key-a")), await guestCheckout(newEmail("key-b"))];
    const [rowA, rowB] = [await orderRow(a.otherOrderId), await orderRow(b.otherOrderId)];
    const key = orderAccessKey(a.otherOrderId);

    expect(key).toMatch(/^[0-9a-z]+\.[\w-]{43}$/);
    expect(isOrderAccessKey(rowA, key)).toBe(true);
    expect(isOrderAccessKey(rowB, key)).toBe(false);
    expect(isOrderAccessKey(rowA, `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(isOrderAccessKey(rowA, key.slice(0, -1))).toBe(false);
    for (const wrong of ["", null, undefined, [key], 42]) expect(isOrderAccessKey(rowA, wrong)).toBe(false);
  });

  it("cannot be stretched: a key with a later issue time, or the old form without one, opens nothing", async () => {
    const guest = await guestCheckout(newEmail("stretch"));
    const row = await orderRow(guest.otherOrderId);
    const key = orderAccessKey(guest.otherOrderId);
    const [, signature] = key.split(".");
    // The attacker keeps the signature and writes a fresher time: it no longer matches.
    expect(isOrderAccessKey(row, `${Date.now().toString(36)}0.${signature}`)).toBe(false);
    expect(isOrderAccessKey(row, `${(Date.now() + 1000).toString(36)}.${signature}`)).toBe(false);
    // Links of the first form (an HMAC of the reference alone) fail closed.
    const { createHmac, hkdfSync } = await import("node:crypto");
    const v1 = createHmac("sha256", Buffer.from(hkdfSync("sha256", env().AUTH_SECRET, "", "RoamSIM guest order link v1", 32)))
      .update(guest.otherOrderId)
      .digest("base64url");
    expect(isOrderAccessKey(row, v1)).toBe(false);
  });

  it("expires GUEST_LINK_DAYS (90) after it was issued; a fresh one works", async () => {
    const guest = await guestCheckout(newEmail("expiry"));
    const row = await orderRow(guest.otherOrderId);
    const issued = new Date("2026-01-01T00:00:00Z");
    const key = orderAccessKey(guest.otherOrderId, issued);
    const day = 86_400_000;

    expect(env().GUEST_LINK_DAYS).toBe(90);
    expect(isOrderAccessKey(row, key, new Date(issued.getTime() + 89 * day))).toBe(true);
    expect(isOrderAccessKey(row, key, new Date(issued.getTime() + 90 * day))).toBe(false);
    // Nor may it be dated in the future to last longer.
    expect(isOrderAccessKey(row, orderAccessKey(guest.otherOrderId, new Date(Date.now() + day)))).toBe(false);
    expect(await findOrderForViewer({ userId: null, accessKey: key }, guest.otherOrderId)).toBeNull();
    expect(await findOrderForViewer({ userId: null, accessKey: orderAccessKey(guest.otherOrderId) }, guest.otherOrderId)).not.toBeNull();
  });

  it("is revoked by an admin from the order desk (audited): every link issued until then stops working, a fresh one works", async () => {
    const guest = await guestCheckout(newEmail("revoke"));
    const admin = await createUser(Role.ADMIN);
    const leaked = orderAccessKey(guest.otherOrderId, new Date(Date.now() - 1000));
    expect(await orderOwnerForViewer({ userId: null, accessKey: leaked }, guest.otherOrderId)).not.toBeNull();

    expect(await revokeGuestLinks(guest.otherOrderId, { actorId: admin.id, reason: "Link forwarded to a stranger" })).toBe(true);

    expect(await findOrderForViewer({ userId: null, accessKey: leaked }, guest.otherOrderId)).toBeNull();
    expect(await orderOwnerForViewer({ userId: null, accessKey: leaked }, guest.otherOrderId)).toBeNull();
    const fresh = orderAccessKey(guest.otherOrderId, new Date(Date.now() + 1));
    expect(await findOrderForViewer({ userId: null, accessKey: fresh }, guest.otherOrderId)).not.toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "order.desk.guest_links_revoked", entityId: guest.otherOrderId },
    });
    expect(audit).toMatchObject({ actorId: admin.id, details: expect.objectContaining({ reason: "Link forwarded to a stranger" }) });
    // An account's order has no guest links to revoke.
    const accountOrder = await createPendingOrder((await createUser()).id, 999);
    expect(await revokeGuestLinks(accountOrder.otherOrderId, { actorId: admin.id, reason: "No links" })).toBe(false);
  });

  it("opens a guest order without signing in, and no other order; an account's order needs its owner", async () => {
    const guest = await guestCheckout(newEmail("open"));
    const other = await guestCheckout(newEmail("other"));
    const key = orderAccessKey(guest.otherOrderId);
    const owner = await createUser();
    const accountOrder = await createPendingOrder(owner.id, 999);

    expect((await findOrderForViewer({ userId: null, accessKey: key }, guest.otherOrderId))?.otherOrderId).toBe(guest.otherOrderId);
    expect(await findOrderForViewer({ userId: null, accessKey: null }, guest.otherOrderId)).toBeNull();
    expect(await findOrderForViewer({ userId: null, accessKey: "x".repeat(43) }, guest.otherOrderId)).toBeNull();
    expect(
      await findOrderForViewer({ userId: null, accessKey: `${Date.now().toString(36)}.${"x".repeat(43)}` }, guest.otherOrderId),
    ).toBeNull();
    expect(await findOrderForViewer({ userId: null, accessKey: key }, other.otherOrderId)).toBeNull();
    expect(await orderOwnerForViewer({ userId: null, accessKey: key }, other.otherOrderId)).toBeNull();
    // Keys open guest orders only: an account's order is its owner's alone.
    const accountKey = orderAccessKey(accountOrder.otherOrderId);
    expect(await findOrderForViewer({ userId: null, accessKey: accountKey }, accountOrder.otherOrderId)).toBeNull();
    expect(await findOrderForViewer({ userId: owner.id }, accountOrder.otherOrderId)).not.toBeNull();

    expect(orderAccessUrl(await orderRow(guest.otherOrderId), key)).toBe(`http://shop.test/orders/${guest.otherOrderId}?key=${key}`);
    expect(orderAccessUrl(await orderRow(guest.otherOrderId))).toMatch(
      new RegExp(`^http://shop\\.test/orders/${guest.otherOrderId}\\?key=[0-9a-z]+\\.[\\w-]{43}$`),
    );
    expect(orderAccessUrl(accountOrder)).toBe(`http://shop.test/orders/${accountOrder.otherOrderId}`);
    expect(env().APP_URL).toBe("http://shop.test");
  });
});

describe("another customer's order", () => {
  it("is not found by customer B: the order, its eSIM, its renewal, its payment and its cancellation", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const plan = await catalogPlan({ provider: "mioesim", planRef: "26:261", renewable: true });
    const { order: delivered, iccid } = await deliveredOrder(a.id, plan.id);
    const pending = await createPendingOrder(a.id, 999);

    for (const order of [delivered, pending]) {
      expect(await findOrderForViewer({ userId: b.id }, order.otherOrderId)).toBeNull();
      expect(await orderOwnerForViewer({ userId: b.id }, order.otherOrderId)).toBeNull();
      expect(await findOrderForViewer({ userId: a.id }, order.otherOrderId)).not.toBeNull();
    }
    expect(await renewalOptions(a.id, iccid)).not.toBeNull();
    expect(await renewalOptions(b.id, iccid)).toBeNull();
    expect(await orderDeliveringEsim(b.id, iccid)).toBeNull();
    await expect(createOrderCheckout(b.id, pending.otherOrderId)).rejects.toMatchObject({ code: "order_not_found" });
    expect(await cancelUnpaidOrder(pending.otherOrderId, { userId: b.id }, null)).toBe(false);
    expect((await orderRow(pending.otherOrderId)).status).toBe("PENDING_PAYMENT");
  });
});

describe("wallet", () => {
  it("cannot pay a guest order, even one placed with the address of an account whose wallet covers it", async () => {
    const customer = await createUser();
    const admin = await createUser(Role.ADMIN);
    await adjustWallet({ userId: customer.id, amountMinor: 10_000, reason: "Test funding", authorId: admin.id });
    const checkout = await guestCheckout(customer.email);
    expect((await orderRow(checkout.otherOrderId)).userId).toBe(customer.id);

    const refusal = await payOrderFromWallet(customer.id, checkout.otherOrderId).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(BillingError);
    expect(refusal).toMatchObject({ code: "card_only" });
    expect((await walletState(customer.id)).balanceMinor).toBe(10_000);
    expect((await orderRow(checkout.otherOrderId)).status).toBe("PENDING_PAYMENT");
  });
});

describe("limits", () => {
  it(`takes ${AUTH_LIMITS.guestCheckout.perEmail} guest orders per email an hour, from any address`, async () => {
    const email = newEmail("limit");
    for (let i = 0; i < AUTH_LIMITS.guestCheckout.perEmail; i++) await guestCheckout(email);
    await expect(guestCheckout(email)).rejects.toBeInstanceOf(RateLimitedError);
    expect(await db().order.count({ where: { user: { email } } })).toBe(AUTH_LIMITS.guestCheckout.perEmail);
  });

  it(`takes ${AUTH_LIMITS.guestCheckout.perAddress} guest orders per client address an hour, for any email`, async () => {
    const origin = newOrigin();
    const emails = Array.from({ length: AUTH_LIMITS.guestCheckout.perAddress + 1 }, () => newEmail("address"));
    for (const email of emails.slice(0, -1)) await guestCheckout(email, { origin });
    await expect(guestCheckout(emails.at(-1)!, { origin })).rejects.toBeInstanceOf(RateLimitedError);
    expect(await db().user.count({ where: { email: emails.at(-1)! } })).toBe(0);
    // Another address is not held back by this one.
    await expect(guestCheckout(emails.at(-1)!)).resolves.toMatchObject({ otherOrderId: expect.any(String) });
  });
});

describe("claiming guest orders", () => {
  const PASSWORD = "correct horse battery";

  async function paidGuestOrder(email: string) {
    const checkout = await guestCheckout(email);
    await world.fake.completeSession(checkout.sessionId);
    const order = await orderRow(checkout.otherOrderId);
    expect(order.status).not.toBe("PENDING_PAYMENT");
    return order;
  }

  it("a password sign-up over a guest's address changes nothing and tells the address: the orders wait for the mailbox's owner", async () => {
    const email = newEmail("signup");
    const order = await paidGuestOrder(email);
    const guest = await db().user.findUniqueOrThrow({ where: { email } });
    expect(guest).toMatchObject({ id: order.userId, passwordHash: null, emailVerified: null });

    await registerCustomer(SignUpSchema.parse({ name: "Mallory", email, password: PASSWORD }), newOrigin());

    expect(await db().user.findUniqueOrThrow({ where: { email } })).toEqual(guest);
    expect(await signInWithPassword(email, PASSWORD, newOrigin())).toEqual({ outcome: "invalid_credentials" });
    const mails = (await readOutbox(env().DATA_DIR, 500)).filter((m) => m.to === email).map((m) => m.subject);
    expect(mails).toContain("Someone tried to register with your address");
    expect(mails).not.toContain("Confirm your email address");
    expect(await db().auditLog.count({ where: { action: "user.sign_up_over_existing", entityId: guest.id } })).toBe(1);
  });

  it("an email-link sign-in with the address confirms the guest's account and its orders", async () => {
    const email = newEmail("link");
    const order = await paidGuestOrder(email);

    await claimUnconfirmedAccount(email, null);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.id).toBe(order.userId);
    expect(user.emailVerified).not.toBeNull();
    expect((await listOrdersForUser(user.id)).map((o) => o.otherOrderId)).toEqual([order.otherOrderId]);
  });
});
