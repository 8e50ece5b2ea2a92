/**
 * Pages without a nonce (scripts/inline-script-hashes.ts), on a real HTTP
 * server standing in for Next.js: an HTML answer, plain or gzipped, is sent
 * with exactly its inline scripts' hashes in script-src and no
 * 'unsafe-inline'; nonce pages and other answers pass through untouched.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "@/lib/security/headers";
import { hashInlineScripts, inlineScriptHashes } from "../../scripts/inline-script-hashes";

const CSP = contentSecurityPolicy({ nonce: null, dev: false, https: false });
const SCRIPTS = ["self.__next_f.push([0])", 'self.__next_f.push([1,"<b>\\u003c/script>"])'];
const HTML = `<!DOCTYPE html><html><head><script src="/_next/static/chunks/main.js" async=""></script></head><body>${SCRIPTS.map((s) => `<script>${s}</script>`).join("")}<script type="application/json" id="d">{}</script></body></html>`;
const sha = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** The compression middleware Next.js installs on the response after the launcher's wrappers. */
const compression = createRequire(import.meta.url)("next/dist/compiled/compression") as () => (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next: () => void,
) => void;

let base = "";
let server: http.Server;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hashInlineScripts(res);
    if (req.url?.startsWith("/compressed")) {
      compression()(req, res, () => {
        res.setHeader(
          "content-security-policy",
          req.url === "/compressed-nonce" ? contentSecurityPolicy({ nonce: "abc=", dev: false, https: false }) : CSP,
        );
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.write(HTML.slice(0, 100));
        (res as unknown as { flush: () => void }).flush();
        setTimeout(() => res.end(HTML.slice(100)), 5);
      });
      return;
    }
    if (req.url === "/json") {
      res.setHeader("content-security-policy", CSP);
      res.setHeader("content-type", "application/json");
      res.write("[1,");
      res.end("2]");
      return;
    }
    const policy = req.url === "/nonce" ? contentSecurityPolicy({ nonce: "abc=", dev: false, https: false }) : CSP;
    res.setHeader("content-security-policy", policy);
    if (req.url === "/gzip") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" });
      const zipped = zlib.gzipSync(HTML);
      res.write(zipped.subarray(0, 10));
      res.end(zipped.subarray(10));
      return;
    }
    res.statusCode = req.url === "/missing" ? 404 : 200;
    res.setHeader("content-type", "text/html; charset=utf-8");
    // Streamed in pieces, as Next.js does, split inside a script.
    res.write(HTML.slice(0, 150));
    res.end(HTML.slice(150));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const scriptSrc = (res: Response) =>
  (res.headers.get("content-security-policy") ?? "").split("; ").find((d) => d.startsWith("script-src "))!;

describe("inline script hashes in the policy", () => {
  it("lists every inline script of the page, and only those, with no 'unsafe-inline'", async () => {
    for (const path of ["/page", "/gzip", "/missing"]) {
      const res = await fetch(`${base}${path}`);
      expect(await res.text(), path).toBe(HTML);
      // The JSON data block is not run, so it is hashed only as any other inline script element would be.
      expect(scriptSrc(res), path).toBe(`script-src 'self' ${sha(SCRIPTS[0]!)} ${sha(SCRIPTS[1]!)} ${sha("{}")}`);
      expect(scriptSrc(res), path).not.toContain("unsafe-inline");
    }
  });

  it("works under the compression Next.js wraps around it, held or passed through", async () => {
    for (const path of ["/compressed", "/compressed-nonce"]) {
      const res = await fetch(`${base}${path}`, { headers: { "accept-encoding": "gzip" } });
      expect(res.headers.get("content-encoding"), path).toBe("gzip");
      expect(await res.text(), path).toBe(HTML);
    }
    const held = await fetch(`${base}/compressed`, { headers: { "accept-encoding": "gzip" } });
    expect(scriptSrc(held)).toContain(sha(SCRIPTS[1]!));
  });

  it("leaves pages with a nonce and answers other than HTML as they were", async () => {
    const nonce = await fetch(`${base}/nonce`);
    expect(scriptSrc(nonce)).toBe("script-src 'self' 'nonce-abc=' 'strict-dynamic'");
    expect(await nonce.text()).toBe(HTML);
    const json = await fetch(`${base}/json`);
    expect(await json.text()).toBe("[1,2]");
    expect(scriptSrc(json)).toBe("script-src 'self'");
  });

  it("hashes the script body exactly as written, and a script with src not at all", () => {
    expect(inlineScriptHashes(`<script>a</script><SCRIPT type="module">b</SCRIPT ><script src="/x.js"></script><script></script>`)).toEqual(
      [sha("a").slice(1, -1), sha("b").slice(1, -1)],
    );
  });
});
