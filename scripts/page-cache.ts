/**
 * The shared cache in front of Next.js, doing in-process what a CDN or a
 * reverse proxy does in front of a self-hosted Next.js: it keeps what
 * Next.js itself marks as shareable (a 200 with `Cache-Control: s-maxage`,
 * no Set-Cookie: the prerendered catalog pages) and answers repeats of the
 * same GET from memory, for at most that s-maxage. Without it every view of
 * a prerendered page still runs the proxy and Next.js's cache lookup.
 *
 * Any catalog invalidation empties it: lib/catalog/cache.ts emits
 * CATALOG_INVALIDATED_EVENT on the process once Next.js has expired the
 * tags, and the next view goes to Next.js, which renders the new state.
 * Only plain document requests are kept (no server action, no router
 * request): client navigations and prefetches go to Next.js as before.
 */
import type http from "node:http";

/** Requests with any of these are per-visitor or per-navigation in Next.js's eyes. */
const NOT_SHARED_HEADERS = [
  "rsc",
  "next-action",
  "next-router-prefetch",
  "next-router-state-tree",
  "next-router-segment-prefetch",
  "next-url",
];
const MAX_ENTRIES = 500;

interface Entry {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
  expiresAt: number;
}

export class PageCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every clear: an answer rendered across a clear may show the state before it, so it is not kept. */
  private generation = 0;

  clear(): void {
    this.entries.clear();
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The key of a request that may be answered from the cache, or null. It
   * holds only what changes a shareable answer: the path, and whether the
   * body is gzipped. A prerendered page is the same HTML whatever the query
   * string, cookies or other headers (a page that read them would be
   * dynamic, and never marked shareable), so keying on them would only let
   * a client fill the cache (and push real pages out) with
   * `?x=1`, `?x=2`, ...
   */
  keyOf(req: http.IncomingMessage): string | null {
    if (req.method !== "GET" || !req.url) return null;
    if (NOT_SHARED_HEADERS.some((name) => req.headers[name] !== undefined)) return null;
    // Next.js compresses for clients that accept gzip, so those get their own copy.
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const path = req.url.split(/[?#]/, 1)[0]!;
    return `${gzip ? "gzip" : "identity"} ${path}`;
  }

  /** Answers from the cache; false when there is nothing fresh to answer with. */
  serve(key: string, res: http.ServerResponse): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return false;
    }
    res.writeHead(entry.status, { ...entry.headers, "x-roamsim-cache": "HIT" });
    res.end(entry.body);
    return true;
  }

  /** Lets Next.js answer, and keeps the answer when Next.js marked it shareable. */
  record(key: string, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    const generation = this.generation;
    // Headers given to writeHead() without setHeader() never show in getHeaders(), so they are kept from the call.
    let headers: http.OutgoingHttpHeaders | null = null;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      const given = rest.find((arg) => typeof arg === "object" && arg !== null);
      headers = { ...res.getHeaders(), ...headersFrom(given) };
      return writeHead(status, ...rest);
    }) as typeof res.writeHead;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    const keep = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"),
      );
    };
    res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      keep(chunk, encoding);
      return write(chunk, encoding, callback);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
      keep(chunk, encoding);
      return end(chunk, encoding, callback);
    }) as typeof res.end;
    res.once("finish", () => {
      const sent = headers ?? res.getHeaders();
      const maxAge = sharedMaxAge(res.statusCode, sent);
      if (maxAge === null || generation !== this.generation) return;
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, {
        status: res.statusCode,
        headers: sent,
        body: Buffer.concat(chunks),
        expiresAt: Date.now() + maxAge * 1000,
      });
    });
  }
}

/** Headers as writeHead() takes them: an object, or a flat or paired array of names and values. */
function headersFrom(given: unknown): http.OutgoingHttpHeaders {
  if (!given) return {};
  if (!Array.isArray(given)) return Object.fromEntries(Object.entries(given as object).map(([name, value]) => [name.toLowerCase(), value]));
  const pairs: unknown[][] = Array.isArray(given[0])
    ? (given as unknown[][])
    : given.flatMap((v, i) => (i % 2 === 0 ? [[v, given[i + 1]]] : []));
  return Object.fromEntries(pairs.map(([name, value]) => [String(name).toLowerCase(), value as string]));
}

/** The s-maxage of a response any visitor may be given, or null when it must not be shared. */
function sharedMaxAge(status: number, headers: http.OutgoingHttpHeaders): number | null {
  if (status !== 200 || headers["set-cookie"] !== undefined) return null;
  // A stale copy Next.js answered while it renders a fresh one must not outlive that render here.
  if (!["HIT", "MISS"].includes(String(headers["x-nextjs-cache"] ?? "").toUpperCase())) return null;
  const cacheControl = String(headers["cache-control"] ?? "");
  if (/\b(private|no-store|no-cache)\b/.test(cacheControl)) return null;
  const maxAge = /\bs-maxage=(\d+)/.exec(cacheControl)?.[1];
  return maxAge ? Number(maxAge) : null;
}

/**
 * Next.js stamps a prerendered page with the time its render ended, and a
 * tag expiry stales only pages stamped before it. A catalog page whose
 * render started before a price change and ended after it (a link's
 * prefetch, a visitor's view) is therefore kept as fresh with the old price,
 * until the next change. The server notes the page requests Next.js is
 * answering, so that it can expire changed tags again once every render
 * that may have read the old state has ended.
 */
export class RendersInFlight {
  private readonly open = new Set<http.ServerResponse>();

  /** Follows a request Next.js is about to answer; only GET and HEAD render pages that are kept. */
  track(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") return;
    this.open.add(res);
    res.once("close", () => this.open.delete(res));
  }

  /** Waits for every request under way now to end; answers how many there were. */
  async ended(): Promise<number> {
    const started = [...this.open];
    await Promise.all(started.map(closed));
    return started.length;
  }
}

/** Resolves once the response has been sent or abandoned. */
export function closed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => (res.closed ? resolve() : res.once("close", () => resolve())));
}
