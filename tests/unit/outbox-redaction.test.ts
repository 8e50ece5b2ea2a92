/**
 * The admin Outbox from the attacker's side: an admin reading a customer's
 * mail must find no link that signs in, confirms, resets or opens an order
 * as that customer.
 */
import { describe, expect, it } from "vitest";
import { REDACTED, redactedForAdmin, redactLinks } from "@/lib/email/redact";

const token = "b3f1c9a0e2d44f6a8c1b7e5d9a3f0c2e4b6d8f1a3c5e7b9d0f2a4c6e8b1d3f5a";
const signIn = `http://shop.test/api/auth/callback/nodemailer?callbackUrl=http%3A%2F%2Fshop.test%2Faccount&token=${token}&email=ann%40example.test`;
const guestOrder = `https://shop.test/orders/ORD-7K2M9Q?key=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5`;
const topUp = "https://shop.test/top-up/cm4x8q2v00001abcdxyz0123";

describe("links in the admin Outbox", () => {
  it("keep where they lead but lose every token, key and random id", () => {
    const text = `Sign in: ${signIn}\nYour order: ${guestOrder}.\nTop-up: ${topUp}`;
    const shown = redactLinks(text);
    for (const secret of [token, "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5", "cm4x8q2v00001abcdxyz0123", "ann%40example"]) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).toContain(`http://shop.test/api/auth/callback/nodemailer?callbackUrl=${REDACTED}&token=${REDACTED}&email=${REDACTED}`);
    expect(shown).toContain(`https://shop.test/orders/ORD-7K2M9Q?key=${REDACTED}.`);
    expect(shown).toContain(`https://shop.test/top-up/${REDACTED}`);
  });

  it("are redacted in the HTML part too, &amp;-separated queries and fragments included", () => {
    const html = `<a href="${signIn.replaceAll("&", "&amp;")}">Sign in</a> <a href='https://shop.test/reset#${token}'>Reset</a>`;
    const shown = redactedForAdmin({
      id: "m1",
      createdAt: new Date().toISOString(),
      from: "Shop <no-reply@shop.test>",
      to: "ann@example.test",
      subject: "Sign in to the shop",
      text: signIn,
      html,
    });
    expect(shown.html).not.toContain(token);
    expect(shown.text).not.toContain(token);
    expect(shown.html).toContain(">Sign in</a>");
    expect(shown.to).toBe("ann@example.test");
  });

  it("leave text without links alone", () => {
    const text = "Your eSIM for Japan is ready. Order ORD-7K2M9Q, 5 GB for 30 days.";
    expect(redactLinks(text)).toBe(text);
  });
});
