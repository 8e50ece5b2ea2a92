import { describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  newNonce,
  securityHeaders,
  servedOverHttps,
  usesNonce,
  withInlineScriptHashes,
} from "@/lib/security/headers";

function directives(csp: string): Record<string, string> {
  return Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1).join(" ")]));
}

describe("security headers", () => {
  it("gives per-request areas a nonce policy and leaves the catalog prerenderable", () => {
    for (const path of [
      "/account",
      "/admin",
      "/admin/wallets/u1",
      "/orders/RS1",
      "/checkout/success",
      "/wallet/top-up",
      "/esims/1/renew",
      "/sign-in",
      "/sign-up",
    ]) {
      expect(usesNonce(path), path).toBe(true);
    }
    for (const path of ["/", "/destinations", "/destinations/japan", "/api/health", "/accounts", "/administrator", "/no-such-page"])
      expect(usesNonce(path), path).toBe(false);
  });

  it("allows scripts by nonce and what they load ('strict-dynamic'), never inline ones, when there is a nonce", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc123==", dev: false, https: false }));
    expect(csp["script-src"]).toBe("'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).toMatchObject({
      "default-src": "'self'",
      "object-src": "'none'",
      "base-uri": "'self'",
      "form-action": "'self'",
      "frame-ancestors": "'none'",
    });
    expect(csp).not.toHaveProperty("upgrade-insecure-requests");
  });

  it("allows only this origin's scripts without a nonce, and the inline ones of a page by their hashes", () => {
    const csp = contentSecurityPolicy({ nonce: null, dev: false, https: true });
    expect(directives(csp)).toMatchObject({
      "script-src": "'self'",
      "frame-ancestors": "'none'",
      "upgrade-insecure-requests": "",
    });
    expect(directives(csp)["script-src"]).not.toContain("unsafe-inline");
    const hashed = withInlineScriptHashes(csp, ["sha256-AAA=", "sha256-BBB="]);
    expect(directives(hashed)["script-src"]).toBe("'self' 'sha256-AAA=' 'sha256-BBB='");
    expect(directives(hashed)["style-src"]).toBe(directives(csp)["style-src"]);
    expect(withInlineScriptHashes(csp, [])).toBe(csp);
  });

  it("allows eval only for next dev", () => {
    expect(contentSecurityPolicy({ nonce: "n", dev: true, https: false })).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce: "n", dev: false, https: false })).not.toContain("unsafe-eval");
  });

  it("sends HSTS only when the store is served over https", () => {
    expect([
      servedOverHttps("https://shop.example"),
      servedOverHttps("http://localhost:3000"),
      servedOverHttps("HTTPS://SHOP.EXAMPLE"),
    ]).toEqual([true, false, true]);
    expect(securityHeaders({ csp: "x", https: true })["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    expect(securityHeaders({ csp: "x", https: false })).not.toHaveProperty("Strict-Transport-Security");
    expect(securityHeaders({ csp: "x", https: false })).toMatchObject({
      "Content-Security-Policy": "x",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
  });

  it("makes a fresh 128-bit nonce in the form Next.js reads back from the policy", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    // Next.js's own pattern (get-script-nonce-from-header): a nonce it cannot read is silently dropped.
    for (const nonce of nonces) expect(`'nonce-${nonce}'`).toMatch(/^'nonce-([A-Za-z0-9+/_-]+={0,2})'$/);
    expect(Buffer.from([...nonces][0]!, "base64")).toHaveLength(16);
  });
});
