/**
 * The security headers every response carries, set by proxy.ts.
 *
 * Content Security Policy, and why it has two script policies:
 * Next.js streams each App Router page's data as inline scripts
 * (`self.__next_f.push(…)`) whose content differs per page and per render.
 * A browser runs an inline script only with 'unsafe-inline', a matching
 * nonce or a matching hash in the policy. A per-request nonce is the strict
 * choice, but Next.js can only stamp it on scripts it renders for that
 * request: a prerendered page (static, ISR, or the static shell of a Partial
 * Prerendering / Cache Components page) was rendered at build time, carries no
 * nonce, and would never hydrate. Next.js itself cannot list hashes either:
 * its policy header is written before the page is rendered
 * (`experimental.sri` only adds `integrity` to external chunks, which CSP
 * does not consult for inline scripts, vercel/next.js#95354).
 *
 * So the areas that always render per request and hold personal data or
 * admin powers (account, orders, wallet, checkout, admin, sign-in) get the
 * strict policy: a fresh nonce and 'strict-dynamic', no 'unsafe-inline'. The
 * public catalog (home, destinations, plans), which is prerendered, and
 * every other path get scripts from this origin plus the sha256 hash of each
 * inline script of the very HTML answered: the launcher's server
 * (scripts/serve.ts, scripts/inline-script-hashes.ts) reads the whole page
 * before its headers go out, hashes its inline scripts into script-src with
 * withInlineScriptHashes, and the shared page cache keeps that header with
 * the page. No 'unsafe-inline' in either policy, except under `next dev`,
 * whose pages stream. Everything else in both policies is the same and
 * strict: no plugins, no foreign origins, no <base> rewriting, forms post
 * only here, and no framing at all.
 */

/** Path prefixes that always render per request: each response gets a fresh nonce. */
const NONCE_AREAS = ["/account", "/admin", "/checkout", "/esims", "/orders", "/search", "/sign-in", "/sign-up", "/top-up", "/wallet"];

/** Whether the page at this path is served with the nonce policy. */
export function usesNonce(pathname: string): boolean {
  return NONCE_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`));
}

/** A CSP nonce: 128 random bits, base64 (the form Next.js reads back from the policy). */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

export interface PolicyOptions {
  /** A per-request nonce, or null for the policy of prerendered pages (inline scripts allowed by hash, see withInlineScriptHashes). */
  nonce: string | null;
  /** `next dev` needs eval for React's debugging aids; a production build never does. */
  dev: boolean;
  /** The store is served over https (APP_URL): stray http subresources are upgraded. */
  https: boolean;
}

/** Whether the store is served over https: from APP_URL, the address customers use. */
export function servedOverHttps(appUrl: string): boolean {
  return new URL(appUrl).protocol === "https:";
}

export function contentSecurityPolicy({ nonce, dev, https }: PolicyOptions): string {
  // `next dev` streams its pages, which cannot be hashed before they are sent; only there do inline scripts run unlisted.
  const scripts = nonce ? [`'nonce-${nonce}'`, "'strict-dynamic'"] : dev ? ["'unsafe-inline'"] : [];
  const directives = [
    "default-src 'self'",
    // 'self' stays for browsers too old for 'strict-dynamic', which ignore it otherwise.
    ["script-src 'self'", ...scripts, ...(dev ? ["'unsafe-eval'"] : [])].join(" "),
    // Inline style attributes (the usage bar's width) and Next's injected styles; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    // QR codes are data: URLs.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * `csp` with the given inline-script hashes ("sha256-…") allowed in
 * script-src: for an HTML answer whose every inline script is known.
 */
export function withInlineScriptHashes(csp: string, hashes: readonly string[]): string {
  if (hashes.length === 0) return csp;
  const listed = hashes.map((hash) => `'${hash}'`).join(" ");
  return csp
    .split("; ")
    .map((directive) => (directive.startsWith("script-src ") ? `${directive} ${listed}` : directive))
    .join("; ");
}

/** Two years, the preload list's minimum; sent only when the store is served over https. */
const HSTS = "max-age=63072000; includeSubDomains";

export function securityHeaders({ csp, https }: { csp: string; https: boolean }): Record<string, string> {
  return {
    "Content-Security-Policy": csp,
    // For browsers without CSP frame-ancestors.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // Nothing here uses these; a compromised or framed page cannot ask for them.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}
