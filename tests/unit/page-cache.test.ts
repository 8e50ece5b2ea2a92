/**
 * The shared page cache in front of Next.js (scripts/page-cache.ts), on a
 * real HTTP server standing in for Next.js: it keeps only what is marked
 * shareable, answers repeats from memory, keeps compressed and plain copies
 * apart, and empties on a catalog invalidation; and the tracking of renders
 * under way, which serve.ts waits for before expiring changed tags again.
 */
import type { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CATALOG_INVALIDATED_EVENT } from "@/lib/catalog/cache-tags";
import { PageCache, RendersInFlight } from "../../scripts/page-cache";

const rendered: string[] = [];
const pages = new PageCache();
(process as EventEmitter).on(CATALOG_INVALIDATED_EVENT, () => pages.clear());
let base = "";
let server: http.Server;

/** Stands in for Next.js: each path answers as one kind of response, numbered by how often it was rendered. */
function render(req: http.IncomingMessage, res: http.ServerResponse): void {
  // As a prerendered page does, the answer depends on the path only.
  const path = req.url!.split("?")[0]!;
  rendered.push(path);
  const n = rendered.filter((u) => u === path).length;
  if (path === "/shared") {
    res.writeHead(200, {
      "Cache-Control": "s-maxage=60, stale-while-revalidate=600",
      "Content-Type": "text/html",
      "x-nextjs-cache": "MISS",
    });
    res.write("render ");
    res.end(String(n));
  } else if (path === "/stale") {
    res.writeHead(200, { "Cache-Control": "s-maxage=60", "x-nextjs-cache": "STALE" });
    res.end(`stale ${n}`);
  } else if (path === "/private") {
    res.setHeader("cache-control", "private, no-store");
    res.end(`private ${n}`);
  } else if (path === "/cookie") {
    res.setHeader("cache-control", "s-maxage=60");
    res.setHeader("set-cookie", "a=b");
    res.end(`cookie ${n}`);
  } else {
    res.statusCode = 404;
    res.setHeader("cache-control", "s-maxage=60");
    res.end(`missing ${n}`);
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const key = pages.keyOf(req);
    if (key && pages.serve(key, res)) return;
    if (key) pages.record(key, res);
    render(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (path: string, headers: Record<string, string> = {}) => {
  // fetch asks for gzip unless told otherwise; the plain copy is the default here.
  const res = await fetch(`${base}${path}`, { headers: { "accept-encoding": "identity", ...headers } });
  return { body: await res.text(), cache: res.headers.get("x-roamsim-cache"), cacheControl: res.headers.get("cache-control") };
};

describe("the shared page cache", () => {
  it("answers a repeat of a shareable page from memory, with the same headers and body", async () => {
    expect(await get("/shared")).toEqual({ body: "render 1", cache: null, cacheControl: "s-maxage=60, stale-while-revalidate=600" });
    expect(await get("/shared")).toEqual({ body: "render 1", cache: "HIT", cacheControl: "s-maxage=60, stale-while-revalidate=600" });
    expect(rendered.filter((u) => u === "/shared")).toHaveLength(1);
  });

  it("never keeps stale or private answers, answers that set a cookie, errors, or router and action requests", async () => {
    for (const path of ["/stale", "/private", "/cookie", "/missing"]) {
      const first = await get(path);
      const second = await get(path);
      expect(second.cache, path).toBeNull();
      expect(second.body, path).not.toBe(first.body);
    }
    await get("/shared", { rsc: "1" });
    await get("/shared", { "next-action": "abc" });
    expect(rendered.filter((u) => u === "/shared")).toHaveLength(3);
  });

  it("keeps what it gives gzip clients apart from the plain copy", async () => {
    const before = pages.size;
    await get("/shared", { "accept-encoding": "gzip" });
    expect(pages.size).toBe(before + 1);
    expect((await get("/shared", { "accept-encoding": "gzip" })).cache).toBe("HIT");
  });

  it("cannot be filled by an attacker: query strings and other headers do not make new entries", async () => {
    const before = pages.size;
    for (let i = 0; i < 600; i++) {
      const answer = await get(`/shared?utm_source=${i}&_=${Math.random()}`, {
        cookie: `s=${i}`,
        "user-agent": `bot/${i}`,
        "x-forwarded-host": `evil${i}.example`,
      });
      expect(answer.cache).toBe("HIT");
    }
    expect(pages.size).toBe(before);
    expect(pages.keyOf({ method: "GET", url: "/plans?x=1#y", headers: {} } as http.IncomingMessage)).toBe(
      pages.keyOf({ method: "GET", url: "/plans", headers: { cookie: "a=b", "accept-language": "fr" } } as http.IncomingMessage),
    );
  });

  it("empties when catalog tags are expired in this process", async () => {
    expect(pages.size).toBeGreaterThan(0);
    (process as EventEmitter).emit(CATALOG_INVALIDATED_EVENT, ["catalog:plan:x"]);
    expect(pages.size).toBe(0);
    const after = await get("/shared");
    expect(after.cache).toBeNull();
    expect(after.body).not.toBe("render 1");
  });
});

describe("the renders under way when catalog tags expire", () => {
  it("are waited for until each has ended, answered or abandoned; posts and later requests are not", async () => {
    const renders = new RendersInFlight();
    const held: http.ServerResponse[] = [];
    const slow = http.createServer((req, res) => {
      renders.track(req, res);
      if (req.url === "/hold") held.push(res);
      else res.end("at once");
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    try {
      expect(await renders.ended()).toBe(0);

      const answered = fetch(`${url}/hold`).then((r) => r.text());
      const abandon = new AbortController();
      const abandoned = fetch(`${url}/hold`, { signal: abandon.signal }).catch(() => "abandoned");
      await fetch(`${url}/post`, { method: "POST" });
      await vi.waitFor(() => expect(held).toHaveLength(2));

      let ended = false;
      const waiting = renders.ended().then((count) => (ended = count === 2));
      // A request that starts after the expiry reads the new state: it is not waited for.
      const later = fetch(`${url}/hold`);
      await vi.waitFor(() => expect(held).toHaveLength(3));
      held[0]!.end("answered");
      expect(await answered).toBe("answered");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ended).toBe(false);
      abandon.abort();
      expect(await abandoned).toBe("abandoned");
      await waiting;
      expect(ended).toBe(true);

      held[2]!.end("later");
      await later;
      expect(await renders.ended()).toBe(0);
    } finally {
      for (const res of held) if (!res.writableEnded) res.end();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
