/**
 * The catalog cache's invalidation outside Next.js (jobs, scripts): it
 * notices there is no request to attach to and asks the running server
 * instead; the server's internal endpoint takes only its own token.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = "catalog-cache-test-secret-catalog-cache-test";
let server: http.Server;
const received: { authorization?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.PORT = String((server.address() as AddressInfo).port);
  process.env.AUTH_SECRET = SECRET;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("invalidateCatalog outside a request", () => {
  it("asks the running server to expire exactly the given tags, with the internal token", async () => {
    const { invalidateCatalog, expireInThisServer } = await import("@/lib/catalog/cache");
    const { internalToken } = await import("@/lib/security/internal-token");
    expect(expireInThisServer(["catalog:plan:x"])).toBe(false);
    await invalidateCatalog(["catalog:plan:p1", "catalog:destination:japan", "catalog:plan:p1"]);
    expect(received).toHaveLength(1);
    expect(received[0]!.authorization).toBe(`Bearer ${internalToken(SECRET)}`);
    expect(JSON.parse(received[0]!.body)).toEqual({ tags: ["catalog:plan:p1", "catalog:destination:japan"] });
  });

  it("asks nothing when nothing changed", async () => {
    const { invalidateCatalog } = await import("@/lib/catalog/cache");
    const before = received.length;
    await invalidateCatalog([]);
    expect(received).toHaveLength(before);
  });
});

describe("the internal endpoint", () => {
  it("answers 404 to a wrong or missing token and 400 to a malformed body, expiring nothing", async () => {
    const { POST } = await import("@/app/api/internal/catalog-cache/route");
    const { internalToken } = await import("@/lib/security/internal-token");
    const post = (authorization: string | null, body: string) =>
      POST(
        new Request("http://shop.test/api/internal/catalog-cache", {
          method: "POST",
          headers: authorization ? { authorization } : {},
          body,
        }),
      );
    expect((await post(null, '{"tags":["catalog"]}')).status).toBe(404);
    expect((await post("Bearer wrong", '{"tags":["catalog"]}')).status).toBe(404);
    expect((await post(`Bearer ${internalToken("another-secret-another-secret-another")}`, '{"tags":["catalog"]}')).status).toBe(404);
    const bad = await post(`Bearer ${internalToken(SECRET)}`, '{"tags":[]}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "tags: a list of cache tags is required" });
  });
});
