/**
 * Signing in through Auth.js's own route handlers (the ones app/api/auth
 * serves), in process, with cookies carried between requests as a browser
 * would: password sign-in under a burst of guesses, email confirmation, the
 * magic link (whose fetch signs nobody in) that claims an unconfirmed
 * account, and sessions that end on the server.
 */
import bcrypt from "bcryptjs";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { callbackFor } from "@/lib/auth/email-link";
import { confirmEmail } from "@/lib/auth/email-verification";
import { hashPassword } from "@/lib/auth/password";
import { reserveAuthAttempt } from "@/lib/auth/rate-limit";
import { openSession } from "@/lib/auth/session-store";
import { registerCustomer, SignUpSchema } from "@/lib/auth/users";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { readOutbox } from "@/lib/email/outbox";
import { unique } from "../support/providers";

afterAll(() => db().$disconnect());
// Every password check is a bcrypt hash at cost 12.
vi.setConfig({ testTimeout: 60_000 });

const PASSWORD = "correct horse battery";
const APP = env().APP_URL;
const SESSION_COOKIE = "authjs.session-token";

/** One visitor: a cookie jar and the address its requests come from (as scripts/serve.ts reports it). */
class Visitor {
  readonly cookies = new Map<string, string>();
  constructor(readonly address: string) {}

  /** A request to Auth.js's routes (app/api/auth) as this visitor's browser sends it, from `origin` for a post (this site's unless told). */
  async send(
    method: "GET" | "POST",
    path: string,
    form?: Record<string, string>,
    address = this.address,
    origin: string | null = new URL(APP).origin,
  ): Promise<Response> {
    const headers = new Headers({ "x-forwarded-for": address, "user-agent": "vitest" });
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (form) headers.set("content-type", "application/x-www-form-urlencoded");
    if (method === "POST" && origin) headers.set("origin", origin);
    const request = new NextRequest(new URL(path, APP), { method, headers, body: form ? new URLSearchParams(form) : undefined });
    const response = await (method === "GET" ? authGet : authPost)(request);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = cookie.split(";");
      const [name = "", value = ""] = pair.split("=");
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async csrf(): Promise<string> {
    return ((await (await this.send("GET", "/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  }

  /** Signs in with a password; answers where Auth.js redirects, or the error code it reports. */
  async signInWithPassword(email: string, password: string, csrfToken?: string, address?: string): Promise<string> {
    const form = { csrfToken: csrfToken ?? (await this.csrf()), email, password, callbackUrl: "/account" };
    const location = new URL((await this.send("POST", "/api/auth/callback/credentials", form, address)).headers.get("location")!, APP);
    return location.searchParams.get("code") ?? location.pathname;
  }

  async askForEmailLink(email: string): Promise<string> {
    const form = { csrfToken: await this.csrf(), email, callbackUrl: "/account" };
    return new URL((await this.send("POST", "/api/auth/signin/email", form)).headers.get("location")!, APP).pathname;
  }

  /** Presses the button of the page an emailed sign-in link opens (a post from that page); answers where it redirects. */
  async confirmEmailLink(link: string, origin?: string | null): Promise<URL> {
    const page = new URL(link);
    expect(page.origin + page.pathname).toBe(new URL("/sign-in/confirm", APP).href);
    const response = await this.send("POST", callbackFor(page.searchParams), {}, this.address, origin);
    return new URL(response.headers.get("location") ?? `status:${response.status}`, APP);
  }

  async sessionEmail(): Promise<string | null> {
    const session = (await (await this.send("GET", "/api/auth/session")).json()) as { user?: { email?: string } } | null;
    return session?.user?.email ?? null;
  }

  async signOut(): Promise<void> {
    await this.send("POST", "/api/auth/signout", { csrfToken: await this.csrf(), callbackUrl: "/" });
  }
}

let addressSerial = 0;
/** A documentation-range address (RFC 5737) no other test in this database uses. */
const newAddress = () => `198.51.${Math.floor(addressSerial / 250) + 100}.${(addressSerial++ % 250) + 1}`;
const newEmail = (tag: string) => `${tag}.${unique()}@example.test`;

async function confirmedCustomer(email = newEmail("customer"), passwordHash?: string) {
  return db().user.create({
    data: { email, name: "Confirmed Customer", passwordHash: passwordHash ?? (await hashPassword(PASSWORD)), emailVerified: new Date() },
  });
}

/** As confirmedCustomer, with bcrypt's lowest cost: sign-in compares at any cost, and tests that check many guesses stay quick. */
const quickCustomer = async (email = newEmail("customer")) => confirmedCustomer(email, await bcrypt.hash(PASSWORD, 4));

/** The newest email to `to` whose subject is `subject`, and the first link in it. */
async function linkIn(to: string, subject: string): Promise<string> {
  const message = (await readOutbox(env().DATA_DIR, 500)).find((m) => m.to === to && m.subject === subject);
  const link = message && /https?:\/\/\S+/.exec(message.text)?.[0];
  if (!link) throw new Error(`no "${subject}" email to ${to}`);
  return link;
}

const emailsTo = async (to: string) => (await readOutbox(env().DATA_DIR, 500)).filter((m) => m.to === to);

describe("password sign-in", () => {
  it("lets 40 parallel wrong passwords for one email from one client reach at most 5 password checks", async () => {
    const user = await quickCustomer();
    const attacker = new Visitor(newAddress());
    const csrfToken = await attacker.csrf();

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attacker.signInWithPassword(user.email, `wrong password ${i}`, csrfToken)),
    );

    const tally = Object.fromEntries(
      ["invalid_credentials", "rate_limited"].map((code) => [code, answers.filter((a) => a === code).length]),
    );
    expect(tally).toEqual({ invalid_credentials: 5, rate_limited: 35 });
    const failures = await db().auditLog.findMany({ where: { action: "auth.sign_in_failed", entityId: user.id }, select: { ip: true } });
    expect(failures).toEqual(Array.from({ length: 5 }, () => ({ ip: attacker.address })));
    // That client now waits, even with the right password.
    expect(await attacker.signInWithPassword(user.email, PASSWORD, csrfToken)).toBe("rate_limited");
  });

  it("from the attacker's side: 50 wrong passwords for the victim from other clients leave the victim's own sign-in open", async () => {
    const victim = await quickCustomer(newEmail("victim"));
    // Ten clients, five guesses each: every one gets its password check, none locks the account.
    const attackers = Array.from({ length: 10 }, () => new Visitor(newAddress()));
    const guesses = await Promise.all(
      attackers.flatMap((attacker) => Array.from({ length: 5 }, (_, i) => attacker.signInWithPassword(victim.email, `guess ${i}`))),
    );
    expect(guesses.filter((g) => g === "invalid_credentials")).toHaveLength(50);
    // Each of them is now held back, the account's owner is not.
    expect(await attackers[0]!.signInWithPassword(victim.email, PASSWORD)).toBe("rate_limited");
    const owner = new Visitor(newAddress());
    expect(await owner.signInWithPassword(victim.email, PASSWORD)).toBe("/account");
    expect(await owner.sessionEmail()).toBe(victim.email);
    // An email link works too, from a client that was just refused.
    const refused = attackers[0]!;
    const mailbox = new Visitor(refused.address);
    expect(await mailbox.askForEmailLink(victim.email)).toBe("/api/auth/verify-request");
    expect((await mailbox.confirmEmailLink(await linkIn(victim.email, "Your sign-in link"))).pathname).toBe("/account");
    expect(await mailbox.sessionEmail()).toBe(victim.email);
  });

  it("counts an IPv6 client by its /64, so rotating addresses within it earns no fresh guesses", async () => {
    const user = await quickCustomer();
    const prefix = `2001:db8:${(addressSerial++).toString(16)}:77`;
    const answers = [];
    for (let i = 1; i <= 8; i++)
      answers.push(await new Visitor(`${prefix}::${i.toString(16)}`).signInWithPassword(user.email, `guess ${i}`));
    expect(answers).toEqual([...Array(5).fill("invalid_credentials"), ...Array(3).fill("rate_limited")]);
    // The same account from the next /64 is another client.
    expect(await new Visitor(`2001:db8:${(addressSerial++).toString(16)}:78::1`).signInWithPassword(user.email, PASSWORD)).toBe("/account");
  });

  it("makes one client wait longer after each failure past five, and a right password starts the count again", async () => {
    const user = await quickCustomer();
    const visitor = new Visitor(newAddress());
    const backoff = () => db().signInBackoff.findFirstOrThrow({ where: { key: { startsWith: `${user.email}|` } } });
    /** Lets the current wait run out, as time passing would. */
    const waitOut = async () => {
      const row = await backoff();
      await db().signInBackoff.update({ where: { key: row.key }, data: { nextAttemptAt: new Date(Date.now() - 1) } });
    };
    for (let i = 0; i < 5; i++) expect(await visitor.signInWithPassword(user.email, "a wrong password")).toBe("invalid_credentials");
    expect(await visitor.signInWithPassword(user.email, PASSWORD)).toBe("rate_limited");
    const waits = [];
    for (let i = 0; i < 3; i++) {
      const row = await backoff();
      waits.push(row.nextAttemptAt.getTime() - row.lastFailureAt.getTime());
      await waitOut();
      expect(await visitor.signInWithPassword(user.email, "a wrong password")).toBe("invalid_credentials");
    }
    expect(waits).toEqual([30_000, 60_000, 120_000]);
    await waitOut();
    expect(await visitor.signInWithPassword(user.email, PASSWORD)).toBe("/account");
    expect(await db().signInBackoff.count({ where: { key: { startsWith: `${user.email}|` } } })).toBe(0);
    for (let i = 0; i < 5; i++) expect(await visitor.signInWithPassword(user.email, "a wrong password")).toBe("invalid_credentials");
  });

  it("counts failures per address across emails", async () => {
    const visitor = new Visitor(newAddress());
    // 29 failures from this address already this window, for other emails.
    for (let i = 0; i < 29; i++) await reserveAuthAttempt("passwordSignIn", newEmail("elsewhere"), visitor.address);
    expect(await visitor.signInWithPassword(newEmail("nobody"), "a wrong password")).toBe("invalid_credentials");
    const user = await confirmedCustomer();
    expect(await visitor.signInWithPassword(user.email, PASSWORD)).toBe("rate_limited");
    expect(await new Visitor(newAddress()).signInWithPassword(user.email, PASSWORD)).toBe("/account");
  });
});

describe("email confirmation", () => {
  it("holds back password sign-in until the emailed link is followed, then signs in", async () => {
    const email = newEmail("new");
    const visitor = new Visitor(newAddress());
    await registerCustomer(
      SignUpSchema.parse({ name: "Ada Lovelace", email, password: PASSWORD }),
      { ip: visitor.address, userAgent: "vitest" },
      "/wallet",
    );

    expect(await visitor.signInWithPassword(email, PASSWORD)).toBe("email_unconfirmed");
    expect(await visitor.sessionEmail()).toBeNull();

    const link = new URL(await linkIn(email, "Confirm your email address"));
    expect(link.searchParams.get("callbackUrl")).toBe("/wallet");
    // What the page's button does (app/(auth)/actions.ts: confirmEmailAddress).
    const token = link.searchParams.get("token")!;
    expect(await confirmEmail(email, token, { ip: visitor.address, userAgent: "vitest" })).toBe(true);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.emailVerified).not.toBeNull();
    expect(await db().auditLog.count({ where: { action: "user.email_confirmed", entityId: user.id, ip: visitor.address } })).toBe(1);

    expect(await visitor.signInWithPassword(email, PASSWORD)).toBe("/account");
    expect(await visitor.sessionEmail()).toBe(email);
    // The link works once.
    expect(await confirmEmail(email, token, null)).toBe(false);
  });

  it("refuses a wrong password for an unconfirmed account as wrong, revealing nothing about it", async () => {
    const email = newEmail("unconfirmed");
    await registerCustomer(SignUpSchema.parse({ name: "Ada Lovelace", email, password: PASSWORD }), null);
    expect(await new Visitor(newAddress()).signInWithPassword(email, "not the password")).toBe("invalid_credentials");
  });
});

describe("a magic link to an account someone else registered", () => {
  it("gives the account to the mailbox's owner: the registrant's password stops working and their sessions end", async () => {
    const victimEmail = newEmail("victim");
    const attacker = new Visitor(newAddress());
    const attackerPassword = "attacker's own password";
    await registerCustomer(SignUpSchema.parse({ name: "Not The Victim", email: victimEmail, password: attackerPassword }), {
      ip: attacker.address,
      userAgent: "vitest",
    });
    const registered = await db().user.findUniqueOrThrow({ where: { email: victimEmail } });
    expect(await attacker.signInWithPassword(victimEmail, attackerPassword)).toBe("email_unconfirmed");
    // A session the registrant holds by some other way in (one from before confirmation was required).
    const planted = new Visitor(attacker.address);
    const sid = await openSession(registered.id);
    planted.cookies.set(
      SESSION_COOKIE,
      await encode({
        token: { sub: registered.id, email: victimEmail, uid: registered.id, sid },
        secret: env().AUTH_SECRET,
        salt: SESSION_COOKIE,
      }),
    );
    expect(await planted.sessionEmail()).toBe(victimEmail);

    const victim = new Visitor(newAddress());
    expect(await victim.askForEmailLink(victimEmail)).toBe("/api/auth/verify-request");
    const landing = await victim.confirmEmailLink(await linkIn(victimEmail, "Your sign-in link"));
    expect(landing.pathname).toBe("/account");

    expect(await victim.sessionEmail()).toBe(victimEmail);
    expect(await planted.sessionEmail()).toBeNull();
    expect(await attacker.signInWithPassword(victimEmail, attackerPassword)).toBe("invalid_credentials");
    // The confirmation link the sign-up sent (to the victim's inbox) no longer confirms anything.
    const confirmation = new URL(await linkIn(victimEmail, "Confirm your email address"));
    expect(await confirmEmail(victimEmail, confirmation.searchParams.get("token")!, null)).toBe(false);

    const account = await db().user.findUniqueOrThrow({ where: { email: victimEmail } });
    expect(account).toMatchObject({ id: registered.id, passwordHash: null, name: null });
    expect(account.emailVerified).not.toBeNull();
    expect(await db().auditLog.findMany({ where: { action: "user.claimed_by_email_link", entityId: registered.id } })).toEqual([
      expect.objectContaining({ details: { passwordRemoved: true, sessionsEnded: 1 }, ip: victim.address }),
    ]);
  });

  it("leaves a confirmed account's password alone", async () => {
    const user = await confirmedCustomer();
    const visitor = new Visitor(newAddress());
    await visitor.askForEmailLink(user.email);
    await visitor.confirmEmailLink(await linkIn(user.email, "Your sign-in link"));
    expect(await visitor.sessionEmail()).toBe(user.email);
    expect(await new Visitor(newAddress()).signInWithPassword(user.email, PASSWORD)).toBe("/account");
  });
});

describe("an emailed sign-in link fetched rather than pressed", () => {
  const linkTokens = (email: string) => db().verificationToken.count({ where: { identifier: email } });

  it("opens the confirm page: the fetch signs nobody in and uses nothing up, and only the page's post signs in", async () => {
    const user = await confirmedCustomer();
    const scanner = new Visitor(newAddress());
    await scanner.askForEmailLink(user.email);
    const link = new URL(await linkIn(user.email, "Your sign-in link"));
    expect(link.origin + link.pathname).toBe(new URL("/sign-in/confirm", APP).href);
    expect(link.searchParams.get("callbackUrl")).toBe(new URL("/account", APP).href);

    // A scanner (or an old link) fetching Auth.js's own callback is sent to the confirm page.
    const callback = await scanner.send("GET", callbackFor(link.searchParams));
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe(link.href);
    expect(await scanner.sessionEmail()).toBeNull();
    expect(await linkTokens(user.email)).toBe(1);

    const owner = new Visitor(newAddress());
    expect((await owner.confirmEmailLink(link.href)).pathname).toBe("/account");
    expect(await owner.sessionEmail()).toBe(user.email);
    expect(await linkTokens(user.email)).toBe(0);
  });

  it("cannot sign a victim's browser in to the attacker's account from another site (login CSRF)", async () => {
    const attacker = await confirmedCustomer();
    await new Visitor(newAddress()).askForEmailLink(attacker.email);
    const link = await linkIn(attacker.email, "Your sign-in link");
    const victim = new Visitor(newAddress());

    // A form on the attacker's page posted by the victim's browser, and a post that names no origin.
    for (const origin of ["https://evil.example", null]) {
      const refused = await victim.confirmEmailLink(link, origin);
      expect(refused.href).toBe(new URL("status:403", APP).href);
    }
    const sameSiteButCrossOrigin = await victim.send(
      "POST",
      callbackFor(new URL(link).searchParams),
      {},
      victim.address,
      "http://evil.localhost",
    );
    expect(sameSiteButCrossOrigin.status).toBe(403);

    expect(await victim.sessionEmail()).toBeNull();
    expect(await linkTokens(attacker.email)).toBe(1);
  });
});

describe("sessions", () => {
  it("end on sign-out: the same cookie sent again afterwards is no session", async () => {
    const user = await confirmedCustomer();
    const visitor = new Visitor(newAddress());
    await visitor.signInWithPassword(user.email, PASSWORD);
    const replay = new Visitor(visitor.address);
    replay.cookies.set(SESSION_COOKIE, visitor.cookies.get(SESSION_COOKIE)!);
    expect(await replay.sessionEmail()).toBe(user.email);

    await visitor.signOut();

    expect(visitor.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await replay.sessionEmail()).toBeNull();
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("end when the account is disabled, and sign-out elsewhere leaves other sessions standing", async () => {
    const user = await confirmedCustomer();
    const laptop = new Visitor(newAddress());
    const phone = new Visitor(newAddress());
    await laptop.signInWithPassword(user.email, PASSWORD);
    await phone.signInWithPassword(user.email, PASSWORD);
    await laptop.signOut();
    expect(await phone.sessionEmail()).toBe(user.email);

    await db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await phone.sessionEmail()).toBeNull();
  });
});

describe("magic links", () => {
  it("are limited per email and per address, and a refused one sends nothing", async () => {
    const email = newEmail("links");
    const visitor = new Visitor(newAddress());
    for (let i = 0; i < 5; i++) expect(await visitor.askForEmailLink(email)).toBe("/api/auth/verify-request");
    expect(await visitor.askForEmailLink(email)).toBe("/sign-in");
    expect(await emailsTo(email)).toHaveLength(5);
    // The refused request left no token behind either.
    expect(await db().verificationToken.count({ where: { identifier: email } })).toBe(5);

    const busy = new Visitor(newAddress());
    for (let i = 0; i < 20; i++) expect(await busy.askForEmailLink(newEmail("spray"))).toBe("/api/auth/verify-request");
    const refused = newEmail("spray");
    expect(await busy.askForEmailLink(refused)).toBe("/sign-in");
    expect(await emailsTo(refused)).toHaveLength(0);
    expect(await db().verificationToken.count({ where: { identifier: refused } })).toBe(0);
  });

  it("are built from APP_URL, whatever Host the request names", async () => {
    const email = newEmail("host");
    const visitor = new Visitor(newAddress());
    const form = { csrfToken: await visitor.csrf(), email, callbackUrl: "/account" };
    const headers = new Headers({
      "x-forwarded-for": visitor.address,
      host: "evil.example",
      "x-forwarded-host": "evil.example",
      "content-type": "application/x-www-form-urlencoded",
    });
    headers.set("cookie", [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    await authPost(
      new NextRequest("http://evil.example/api/auth/signin/email", { method: "POST", headers, body: new URLSearchParams(form) }),
    );
    expect(new URL(await linkIn(email, "Your sign-in link")).origin).toBe(new URL(APP).origin);
  });
});
