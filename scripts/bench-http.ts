/**
 * The HTTP benchmark: how fast the storefront answers, on this machine.
 *
 *   npm run bench:http -- [--duration 10] [--connections 50] [--customers 20]
 *
 * 1. Builds if there is no production build, starts the production server
 *    on the embedded database with the simulators (scripts/start.ts), warms
 *    it, then loads each catalog page and one static asset of the same
 *    server at 50 concurrent connections for a fixed time (autocannon). It
 *    prints requests/s, p50/p95/p99, each page's requests/s as a ratio of
 *    the static asset's, and each page's first-load JavaScript (gzip) against
 *    the framework's smallest page (the not-found page).
 * 2. Loads the per-request pages (an order, My eSIMs) as 20 signed-in
 *    customers at once, on the embedded database (one connection) and, when
 *    TEST_POSTGRES_URL or DATABASE_URL names a server, on PostgreSQL with a
 *    pool, to show whether the embedded database's one connection limits them.
 * 3. Runs scripts/bench/fulfilment.ts: the time from "card paid" to "eSIM
 *    shown" over 20 orders, less the simulators' own time, and 200
 *    concurrent wallet spends on PostgreSQL.
 */
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { percentile, postgresServerUrl, throwawayDatabase } from "./bench/databases";
import { ensureProductionBuild, startBenchServer, type BenchServer } from "./bench/server";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const DURATION_S = Number(args.get("duration") ?? 10);
const CONNECTIONS = Number(args.get("connections") ?? 50);
const CUSTOMERS = Number(args.get("customers") ?? 20);

interface LoadResult {
  label: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** Loads one URL (or one per connection, with its own headers) and measures every response's latency. */
async function load(label: string, targets: { url: string; headers?: Record<string, string> }[], connections: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let requests = 0;
  const started = Date.now();
  await Promise.all(
    targets.map(
      (target) =>
        new Promise<void>((resolve, reject) => {
          const instance = autocannon(
            {
              url: target.url,
              headers: target.headers,
              connections: Math.max(1, Math.round(connections / targets.length)),
              duration: DURATION_S,
            },
            (err, result) => {
              if (err) return reject(err);
              errors += result.errors + result.non2xx;
              requests += result.requests.total;
              resolve();
            },
          );
          instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
        }),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}

async function text(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers });
  return res.text();
}

/** The gzip size of every script a page loads on first view. */
async function firstLoadJsGzip(server: BenchServer, path: string): Promise<number> {
  const html = await text(`${server.url}${path}`);
  const sources = [...new Set([...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!))];
  let bytes = 0;
  for (const src of sources) {
    const body = Buffer.from(await (await fetch(new URL(src, server.url))).arrayBuffer());
    bytes += gzipSync(body).length;
  }
  return bytes;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

/** Catalog pages of the running demo, found by following its own links. */
async function catalogPages(server: BenchServer): Promise<{ label: string; path: string }[]> {
  const home = await text(`${server.url}/`);
  const destination = home.match(/href="(\/destinations\/japan)"/)?.[1] ?? home.match(/href="(\/destinations\/[a-z-]+)"/)?.[1];
  if (!destination) throw new Error("the home page links to no destination: is the demo catalog loaded?");
  const destinationHtml = await text(`${server.url}${destination}`);
  const plan = destinationHtml.match(/href="(\/plans\/[^"]+)"/)?.[1];
  const pages = [
    { label: "home /", path: "/" },
    { label: "/destinations", path: "/destinations" },
    { label: destination, path: destination },
  ];
  if (plan) pages.push({ label: "/plans/[id]", path: plan });
  return pages;
}

async function catalogBenchmark(server: BenchServer): Promise<void> {
  const pages = await catalogPages(server);
  const home = await text(`${server.url}/`);
  const asset = home.match(/href="(\/_next\/static\/[^"]+\.css)"/)?.[1];
  if (!asset) throw new Error("no static CSS asset found on the home page");
  for (const page of [...pages, { path: asset }]) for (let i = 0; i < 20; i++) await fetch(`${server.url}${page.path}`);

  const staticResult = await load(`static asset`, [{ url: `${server.url}${asset}` }], CONNECTIONS);
  const results = [];
  for (const page of pages) results.push(await load(page.label, [{ url: `${server.url}${page.path}` }], CONNECTIONS));
  const baselineJs = await firstLoadJsGzip(server, "/bench-no-such-page");
  const rows = [];
  for (const [i, result] of results.entries()) {
    const js = await firstLoadJsGzip(server, pages[i]!.path);
    rows.push([
      result.label,
      result.rps.toFixed(0),
      ms(result.p50),
      ms(result.p95),
      ms(result.p99),
      `${(result.rps / staticResult.rps).toFixed(2)}×`,
      kb(js),
      `${js - baselineJs >= 0 ? "+" : ""}${kb(js - baselineJs)}`,
      String(result.errors),
    ]);
  }
  rows.push([
    `static asset ${asset.split("/").pop()}`,
    staticResult.rps.toFixed(0),
    ms(staticResult.p50),
    ms(staticResult.p95),
    ms(staticResult.p99),
    "1.00×",
    "",
    "",
    String(staticResult.errors),
  ]);
  console.log(
    `\nCatalog pages, ${CONNECTIONS} connections × ${DURATION_S} s each (first-load JS baseline: not-found page, ${kb(baselineJs)} gzip)\n`,
  );
  printTable(["page", "req/s", "p50", "p95", "p99", "vs static", "first-load JS", "vs smallest", "errors"], rows);
}

/** Signed-in customers made in the app's database, each with an order, and their session cookies (as Auth.js writes them). */
async function signedInCustomers(server: BenchServer): Promise<{ cookie: string; orderPath: string }[]> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const plan = await client.query<{ id: string; priceMinor: number; currency: string; provider: string; name: string; planRef: string }>(
      `SELECT id, "priceMinor", currency, provider, name, "planRef" FROM "Plan" WHERE active ORDER BY "priceMinor" LIMIT 1`,
    );
    const p = plan.rows[0];
    if (!p) throw new Error("no active plan in the catalog");
    const customers = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const run = `${Date.now()}-${i}`;
      const user = await client.query<{ id: string }>(
        `INSERT INTO "User" (id, email, "emailVerified", "updatedAt") VALUES ($1, $2, now(), now()) RETURNING id`,
        [`bench-user-${run}`, `bench-${run}@example.test`],
      );
      const userId = user.rows[0]!.id;
      const sessionToken = `bench-session-${run}`;
      await client.query(
        `INSERT INTO "Session" ("sessionToken", "userId", expires, "updatedAt") VALUES ($1, $2, now() + interval '1 day', now())`,
        [sessionToken, userId],
      );
      const otherOrderId = `BENCH${Date.now()}${i}`;
      await client.query(
        `INSERT INTO "Order" ("otherOrderId", "userId", "planId", provider, "planRef", "planName", quantity, "amountMinor", currency, "paymentMethod", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, 'CARD', now())`,
        [otherOrderId, userId, p.id, p.provider, p.planRef, p.name, p.priceMinor, p.currency],
      );
      const jwt = await encode({
        token: { sub: userId, uid: userId, sid: sessionToken },
        secret: server.authSecret,
        salt: "authjs.session-token",
        maxAge: 24 * 3600,
      });
      customers.push({ cookie: `authjs.session-token=${jwt}`, orderPath: `/orders/${otherOrderId}` });
    }
    return customers;
  } finally {
    await client.end();
  }
}

async function signedInBenchmark(server: BenchServer, label: string): Promise<string[][]> {
  const customers = await signedInCustomers(server);
  // Each customer sees their own page, and nobody else's.
  for (const c of customers.slice(0, 2)) {
    const res = await fetch(`${server.url}${c.orderPath}`, { headers: { cookie: c.cookie }, redirect: "manual" });
    if (res.status !== 200) throw new Error(`a signed-in customer got HTTP ${res.status} for their own order page`);
  }
  const rows = [];
  for (const [page, path] of [
    ["order page", (c: { orderPath: string }) => c.orderPath],
    ["My eSIMs /account", () => "/account"],
  ] as const) {
    const targets = customers.map((c) => ({ url: `${server.url}${path(c)}`, headers: { cookie: c.cookie } }));
    for (const t of targets) await fetch(t.url, { headers: t.headers });
    const result = await load(page, targets, customers.length);
    rows.push([`${page} (${label})`, result.rps.toFixed(0), ms(result.p50), ms(result.p95), ms(result.p99), String(result.errors)]);
  }
  return rows;
}

async function main() {
  ensureProductionBuild();
  console.log(`node ${process.version}; ${CONNECTIONS} connections, ${DURATION_S} s per page`);

  const embedded = await startBenchServer({ databaseUrl: null });
  const signedInRows: string[][] = [];
  try {
    await catalogBenchmark(embedded);
    signedInRows.push(...(await signedInBenchmark(embedded, "embedded, 1 connection")));
  } finally {
    await embedded.stop();
  }
  if (postgresServerUrl()) {
    const database = await throwawayDatabase("postgres", "bench_http");
    const server = await startBenchServer({ databaseUrl: database.url });
    try {
      signedInRows.push(...(await signedInBenchmark(server, "PostgreSQL, pool of 10")));
    } finally {
      await server.stop();
      await database.stop();
    }
  }
  console.log(`\nPer-request pages, ${CUSTOMERS} signed-in customers at once × ${DURATION_S} s each\n`);
  printTable(["page (database)", "req/s", "p50", "p95", "p99", "errors"], signedInRows);

  // The in-process parts run in processes of their own: each loads the app's modules with its own configuration.
  for (const part of [
    ["--orders", "20"],
    ["--spends", "200"],
  ]) {
    const run = spawnSync("node_modules/.bin/tsx", ["--import=./scripts/server-only.mjs", "scripts/bench/fulfilment.ts", ...part], {
      stdio: "inherit",
    });
    if (run.status !== 0) throw new Error(`scripts/bench/fulfilment.ts ${part.join(" ")} failed`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
