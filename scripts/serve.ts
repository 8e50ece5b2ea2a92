/**
 * The storefront's HTTP server: Next.js behind a thin layer that appends the
 * connecting peer's address to X-Forwarded-For, as a reverse proxy does.
 * `next start` fills that header in only when the client sent none, so the
 * client could name any address; with the peer always last,
 * clientAddress() in lib/audit counts TRUSTED_PROXY_HOPS from the right and
 * never mistakes what the client wrote for where it came from. Prerendered
 * catalog pages are answered from the shared page cache (page-cache.ts),
 * pages without a CSP nonce are sent with their inline scripts' hashes in
 * the policy (inline-script-hashes.ts),
 * and catalog tags are expired again once the renders under way when they
 * expired have ended (RendersInFlight).
 *
 *   tsx scripts/serve.ts [--dev]     (scripts/start.ts runs it; PORT as configured)
 */
import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import { CATALOG_INVALIDATED_EVENT, CATALOG_TAG } from "../lib/catalog/cache-tags";
import { createLogger } from "../lib/log";
import { contentSecurityPolicy, securityHeaders, servedOverHttps } from "../lib/security/headers";
import { internalToken } from "../lib/security/internal-token";
import { buildActionIds, MAX_ACTION_BODY_BYTES, readBody, replayed, undecodableAction } from "./action-guard";
import { hashInlineScripts } from "./inline-script-hashes";
import { closed, PageCache, RendersInFlight } from "./page-cache";

const dev = process.argv.includes("--dev");
// As `next start` and `next dev` set it, before Next.js loads.
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
const { default: next } = await import("next");

const port = Number(process.env.PORT || 3000);
const server = http.createServer();
const app = next({ dev, port, httpServer: server });
await app.prepare();
const handle = app.getRequestHandler();

const log = createLogger({ component: "serve" });
const CATALOG_CACHE_ENDPOINT = "/api/internal/catalog-cache";
let booted = false;
const pages = new PageCache();
const renders = new RendersInFlight();
/** The response each request handed to Next.js will write, for code that runs while Next.js answers it. */
const answering = new AsyncLocalStorage<http.ServerResponse>();
/** Marks the second expiry, which needs no third. */
const REEXPIRY_HEADER = "x-roamsim-reexpiry";

process.on(CATALOG_INVALIDATED_EVENT, (tags: readonly string[]) => {
  pages.clear();
  const current = answering.getStore();
  if (current?.req.headers[REEXPIRY_HEADER]) return;
  // Next.js applies the expiry as the request that asked for it ends: a render under way then may have read the old state.
  void (current ? closed(current) : Promise.resolve())
    .then(() => renders.ended())
    .then(async (underWay) => {
      if (underWay === 0) return;
      await expireCatalogTags(tags, { [REEXPIRY_HEADER]: "1" });
      log.info("catalog tags expired again after the renders under way", { tags, underWay });
    })
    .catch((err: Error) => log.error("expiring catalog tags again failed", { tags, err }));
});

/**
 * Longer than any file name: Next.js looks such a path up on disk (and tries
 * to store a prerender under it), and the file system's ENAMETOOLONG becomes
 * a 500. No route of ours has a segment this long, so it is simply not found.
 */
const MAX_PATH_SEGMENT = 255;
const hasOverlongSegment = (url: string) =>
  url
    .split("?")[0]!
    .split("/")
    .some((segment) => segment.length > MAX_PATH_SEGMENT);

/** A plain-text answer of the launcher's own, with the security headers every answer carries. */
function answerPlain(res: http.ServerResponse, status: number, text: string): void {
  const https = servedOverHttps(process.env.APP_URL ?? "http://localhost");
  const security = securityHeaders({ csp: contentSecurityPolicy({ nonce: null, dev, https }), https });
  res.writeHead(status, { ...security, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

const actionIds = dev ? null : buildActionIds();

server.on("request", async (incoming, res) => {
  let req = incoming;
  if (hasOverlongSegment(req.url ?? "/")) {
    answerPlain(res, 404, "Not found");
    return;
  }
  const actionId = req.headers["next-action"];
  if (!dev && req.method === "POST" && typeof actionId === "string") {
    const body = await readBody(req, MAX_ACTION_BODY_BYTES);
    if (body === null) {
      res.setHeader("connection", "close");
      answerPlain(res, 413, "Payload too large.");
      return;
    }
    const problem = await undecodableAction(actionId, String(req.headers["content-type"] ?? ""), body, actionIds);
    if (problem) {
      log.info("server action request refused", { problem, path: req.url?.split("?")[0] });
      answerPlain(res, 400, `Bad request: ${problem}.`);
      return;
    }
    req = replayed(req, body);
  }
  const peer = req.socket.remoteAddress;
  req.headers["x-forwarded-for"] = [req.headers["x-forwarded-for"], peer].filter(Boolean).join(", ");
  if (!booted && req.url !== CATALOG_CACHE_ENDPOINT) await catalogExpired;
  const key = dev ? null : pages.keyOf(req);
  if (key && pages.serve(key, res)) return;
  if (key) pages.record(key, res);
  // HTML without a nonce gets its inline scripts' hashes in the policy (lib/security/headers.ts); after the cache's wrapper, so it keeps them.
  if (!dev && req.method === "GET") hashInlineScripts(res);
  renders.track(req, res);
  void answering.run(res, () => handle(req, res));
});
// The launcher waits for the port and logs when the storefront is ready.
server.listen(port);

/**
 * Catalog pages prerendered by the build hold no catalog (the build reads no
 * database), and pages cached by an earlier run may be out of date: expire
 * them all before the first visitor is answered (see lib/catalog/cache.ts).
 */
async function expireCatalogOnBoot(): Promise<void> {
  if (!dev) await expireCatalogTags([CATALOG_TAG]);
}

async function expireCatalogTags(tags: readonly string[], headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${CATALOG_CACHE_ENDPOINT}`, {
    method: "POST",
    headers: { authorization: `Bearer ${internalToken(process.env.AUTH_SECRET ?? "")}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ tags }),
  });
  if (!res.ok) throw new Error(`expiring catalog tags ${tags.join(", ")} failed: HTTP ${res.status}`);
}
const catalogExpired = new Promise<void>((resolve) => server.once("listening", resolve))
  .then(expireCatalogOnBoot)
  .then(() => {
    booted = true;
  })
  .catch((err: Error) => {
    log.error(err.message);
    process.exit(1);
  });
