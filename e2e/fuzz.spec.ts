/**
 * Property-based fuzzing of everything the app exposes (read from app/ and
 * the build, see fuzz/surface.ts) as a visitor, a customer and an admin:
 * pages and route handlers get fuzzed path segments (malformed and overlong
 * percent-encodings, NUL, unicode, real ids) and query strings; server actions
 * are posted as the browser posts them, with fuzzed form fields. No answer
 * may be a 5xx, and a request the app rejects (4xx, a sign-in redirect, an
 * `?error=` redirect, or an action answering an error) may change no row.
 *
 * Not covered: action bodies that React itself cannot decode (broken
 * JSON, wrong argument count); no browser sends those, and Next.js answers
 * them with 500 before our code runs.
 *
 * Prints one line for CI: `fuzz: N requests, N 5xx, N rows changed by rejected requests`.
 */
import fc from "fast-check";
import { E2E, E2E_DATABASE_URL, expect, newCustomer, signInWithPassword, signUp, test } from "./fixtures";
import { RowWatcher } from "./fuzz/rows";
import { appRoutes, serverActions, type ActionTarget, type Segment } from "./fuzz/surface";

/** Runs per target and role: about 1,400 requests, under a minute here. */
const ROUTE_RUNS = Number(process.env.FUZZ_ROUTE_RUNS ?? 6);
const ACTION_RUNS = Number(process.env.FUZZ_ACTION_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** Query parameter names the pages read, plus whatever fast-check invents. */
const QUERY_NAMES = ["q", "error", "order", "session_id", "from", "to", "callbackUrl", "topup", "cancelled", "cancel", "token", "email"];

/** Percent-encoded path or query text, including what cannot be decoded. */
function encodedText(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.constantFrom(...known) },
    // Raw bytes: invalid UTF-8, overlong forms, NUL and other controls.
    {
      weight: 2,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "%ff",
        "%c0%af",
        "%00",
        "a%00b",
        "%",
        "%zz",
        "%e2%82",
        "%ed%a0%80",
        "..",
        "%2e%2e",
        "%2f",
        "%5c",
        "~",
        "%20",
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 6_000 }).map((n) => "x".repeat(n)) },
  );
}

/** Raw text for a form field (multipart carries it unencoded). */
function fieldText(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 30 }) },
    { weight: 2, arbitrary: fc.constantFrom(...known) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "\u0000",
        "a\u0000b",
        "-1",
        "0",
        "1e309",
        "NaN",
        "12.99",
        "-12.50",
        "99999999999",
        "true",
        " ",
        "//evil.test",
        "/\\evil.test",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
    { weight: 1, arbitrary: fc.emailAddress() },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => "9".repeat(n)) },
  );
}

/** A path for the segments; each dynamic segment takes a value from `value`. */
function pathArbitrary(segments: Segment[], value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const parts = segments.map((segment) =>
    "literal" in segment
      ? fc.constant(segment.literal)
      : segment.catchAll
        ? fc.array(value, { minLength: 1, maxLength: 3 }).map((values) => values.join("/"))
        : value,
  );
  return fc.tuple(...parts).map((values) => `/${values.join("/")}`);
}

function queryArbitrary(known: string[]): fc.Arbitrary<string> {
  const name = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...QUERY_NAMES) }, { weight: 1, arbitrary: encodedText(known) });
  return fc
    .array(fc.tuple(name, encodedText(known)), { maxLength: 3 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
}

/** A previous state as React encodes it: strings starting with "$" are escaped. */
const previousState = fc.oneof(fc.constant(null), fc.constant({}), fc.jsonValue({ maxDepth: 2 }));
function encodeState(value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("$") ? `$${value}` : value;
  if (Array.isArray(value)) return value.map(encodeState);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeState(v)]));
  return value;
}

type FieldValue = string | { file: Uint8Array };
interface ActionCall {
  states: unknown[];
  fields: [string, FieldValue][];
  crossSite: boolean;
}

function actionArbitrary(action: ActionTarget, allFields: string[], known: string[]): fc.Arbitrary<ActionCall> {
  const value: fc.Arbitrary<FieldValue> = fc.oneof(
    { weight: 9, arbitrary: fieldText(known) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((file) => ({ file })) },
  );
  const own = fc.tuple(
    ...action.fields.map((name) =>
      fc.option(
        value.map((v) => [name, v] as [string, FieldValue]),
        { freq: 7, nil: null },
      ),
    ),
  );
  const extra = fc.array(fc.tuple(fc.constantFrom(...allFields), value), { maxLength: 2 });
  const stateCount = action.params.filter((p) => p === "state").length;
  return fc.record({
    states: fc.array(previousState, { minLength: stateCount, maxLength: stateCount }),
    fields: fc.tuple(own, extra).map(([mine, more]) => [...mine.filter((f): f is [string, FieldValue] => f !== null), ...more]),
    // One post in five claims another site's origin, as a cross-site form would (the proxy answers 403).
    crossSite: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  });
}

/** The body a browser posts for a server action: the FormData's fields under `_1_`, then the argument list as "0". */
function actionBody(action: ActionTarget, call: ActionCall): FormData | string {
  const states = [...call.states];
  const args = action.params.map((param) => (param === "form" ? "$K1" : encodeState(states.shift())));
  if (!action.params.includes("form")) return JSON.stringify(args);
  const body = new FormData();
  for (const [name, value] of call.fields) {
    if (typeof value === "string") body.append(`_1_${name}`, value);
    else body.append(`_1_${name}`, new Blob([Uint8Array.from(value.file)]), "upload.bin");
  }
  body.append("0", JSON.stringify(args));
  return body;
}

interface Outcome {
  /** 0 when the server did not answer at all. */
  status: number;
  rejected: boolean;
  rowsChanged: number;
}

/** A redirect that turns the request away: to sign in, or back with an error code. */
function isRejectingRedirect(location: string | null): boolean {
  if (!location) return false;
  const target = new URL(location.split(";")[0]!, "http://store.invalid");
  return target.pathname === "/sign-in" || target.searchParams.has("error");
}

/** The action's return value from the RSC answer: row 0 points at the row holding it. */
function actionResult(payload: string): unknown {
  const rows = new Map(payload.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]));
  const ref = /"a":"\$@(\w+)"/.exec(rows.get("0") ?? "")?.[1];
  try {
    return ref ? JSON.parse(rows.get(ref) ?? "null") : null;
  } catch {
    return null;
  }
}

function answersError(result: unknown): boolean {
  if (!result || typeof result !== "object") return false;
  const { error, fieldErrors } = result as { error?: unknown; fieldErrors?: Record<string, unknown> };
  return Boolean(error) || Object.keys(fieldErrors ?? {}).length > 0;
}

test("no input gives a 5xx, and no rejected request changes a row", async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const base = baseURL!;
  const rows = await RowWatcher.connect(E2E_DATABASE_URL);

  // A customer with an order of their own, and the admin, signed in through the browser like anyone else.
  const customerContext = await browser.newContext({ baseURL: base });
  const customerPage = await customerContext.newPage();
  const customer = newCustomer();
  await signUp(customerPage, customer);
  const plan = (
    await rows.query<{ id: string; slug: string }>(
      `SELECT id, "destinationSlug" AS slug FROM "Plan" WHERE active AND "destinationSlug" <> 'japan' ORDER BY "destinationSlug", id LIMIT 1`,
    )
  )[0]!;
  await customerPage.goto(`/destinations/${plan.slug}`);
  await customerPage.getByRole("button", { name: /^Buy / }).first().click();
  await expect(customerPage).toHaveURL(/\/orders\/RS\d{8}-[0-9A-F]{10}$/);
  const orderId = new URL(customerPage.url()).pathname.split("/").pop()!;
  const customerId = (await rows.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [customer.email]))[0]!.id;

  const adminContext = await browser.newContext({ baseURL: base });
  const adminPage = await adminContext.newPage();
  await signInWithPassword(adminPage, E2E.adminEmail, E2E.adminPassword);
  await expect(adminPage.getByRole("link", { name: "Admin" })).toBeVisible();

  const cookieHeader = async (context: typeof customerContext) => (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const roles = [
    { role: "visitor", cookie: "" },
    { role: "customer", cookie: await cookieHeader(customerContext) },
    { role: "admin", cookie: await cookieHeader(adminContext) },
  ];
  const known = [orderId, customerId, plan.id, plan.slug, "japan", "session", "providers", "csrf", "8988247000000000000"];

  const routes = appRoutes();
  // Sign-out and sign-in actions last: they may end the role's session for what follows.
  const actions = serverActions().sort((a, b) => Number(a.name.includes("(auth)")) - Number(b.name.includes("(auth)")));
  const allFields = [...new Set(actions.flatMap((a) => a.fields))];

  const stats = { requests: 0, fiveXX: 0, rowsChangedByRejected: 0 };
  const failures: string[] = [];
  const rejectedWrites: string[] = [];
  /** One request, with what it wrote to the app's tables. */
  async function attempt(url: string, init: RequestInit & { headers: Record<string, string> }) {
    await rows.settle();
    stats.requests += 1;
    let status = 0;
    let rejected = false;
    try {
      const res = await fetch(url, { ...init, redirect: "manual" });
      const text = await res.text();
      status = res.status;
      const redirect = res.headers.get("x-action-redirect") ?? (status >= 300 && status < 400 ? res.headers.get("location") : null);
      rejected =
        (status >= 400 && status < 500) ||
        isRejectingRedirect(redirect) ||
        ("next-action" in init.headers && answersError(actionResult(text)));
    } catch {
      // No answer at all counts with the 5xx.
    }
    const change = await rows.changes();
    return { status, rejected, change, rowsChanged: [...change.rows.values()].reduce((sum, n) => sum + n, 0) };
  }
  async function send(url: string, init: RequestInit & { headers: Record<string, string> }): Promise<Outcome> {
    let outcome = await attempt(url, init);
    // Background work (the workers' sweeps, a webhook, a scheduled job) may write while a rejected request is
    // in flight: the write counts against the request only if, sent again once the database is quiet, it writes again.
    if (outcome.rejected && outcome.rowsChanged > 0) {
      await rows.quiesce();
      outcome = await attempt(url, init);
    }
    const { status, rejected, change, rowsChanged } = outcome;
    if (status === 0 || status >= 500) stats.fiveXX += 1;
    if (rejected && rowsChanged > 0) {
      stats.rowsChangedByRejected += rowsChanged;
      rejectedWrites.push(
        `${init.method ?? "GET"} ${url.slice(0, 200)} answered ${status} and changed ${[...change.rows].map(([t, n]) => `${t}: ${n}`).join(", ")}`,
      );
    }
    // What an accepted write set going (a job, an email) finishes before the next request is measured.
    if (!rejected && change.wrote) await rows.quiesce();
    return { status, rejected, rowsChanged };
  }
  const acceptable = ({ status, rejected, rowsChanged }: Outcome) => status > 0 && status < 500 && !(rejected && rowsChanged > 0);
  /** Runs one property; a counterexample is kept (fast-check's report names it and its seed) and the next target runs. */
  async function check<T extends unknown[]>(what: string, property: fc.IAsyncPropertyWithHooks<T>, numRuns: number) {
    try {
      await fc.assert(property, { numRuns, seed: SEED, endOnFailure: true });
    } catch (err) {
      // fast-check's report: the run, its seed and path, then the counterexample (cut: fuzzed strings run to thousands of characters).
      failures.push(`${what}: ${(err instanceof Error ? err.message : String(err)).split("\n").slice(0, 3).join(" ").slice(0, 600)}`);
    }
  }

  for (const { role, cookie } of roles) {
    const headers = (extra: Record<string, string> = {}) => ({ ...(cookie && { cookie }), ...extra });
    for (const route of routes) {
      for (const method of route.methods) {
        const property = fc.asyncProperty(
          pathArbitrary(route.segments, encodedText(known)),
          queryArbitrary(known),
          fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data; boundary=fuzz"),
          fc.string({ unit: "binary-ascii", maxLength: 200 }),
          async (path, query, contentType, body) =>
            acceptable(
              await send(
                `${base}${path}${query}`,
                method === "GET"
                  ? { headers: headers() }
                  : { method, headers: headers({ origin: base, "content-type": contentType }), body },
              ),
            ),
        );
        await check(`${role} ${method} ${route.file}`, property, ROUTE_RUNS);
      }
    }
    for (const action of actions) {
      const property = fc.asyncProperty(
        pathArbitrary(action.page, fc.constantFrom(orderId, customerId, plan.slug)),
        actionArbitrary(action, allFields, known),
        async (page, call) => {
          const body = actionBody(action, call);
          const origin = call.crossSite ? "http://evil.test" : base;
          const contentType: Record<string, string> = typeof body === "string" ? { "content-type": "text/plain;charset=UTF-8" } : {};
          return acceptable(
            await send(`${base}${page}`, { method: "POST", headers: headers({ "next-action": action.id, origin, ...contentType }), body }),
          );
        },
      );
      // An action that reads no form has no input worth varying (its previous state is ignored): one run each.
      await check(`${role} ${action.name}`, property, action.params.includes("form") ? ACTION_RUNS : 1);
    }
  }
  await rows.close();

  console.log(`fuzz: ${stats.requests} requests, ${stats.fiveXX} 5xx, ${stats.rowsChangedByRejected} rows changed by rejected requests`);
  console.log(
    `fuzz: ${routes.length} routes and ${actions.length} server actions from app/, 3 roles, seed ${SEED} (set FUZZ_SEED to repeat)`,
  );
  expect(failures, `counterexamples: a 5xx, no answer, or rows changed by a rejected request ${rejectedWrites.join("; ")}`).toEqual([]);
});
