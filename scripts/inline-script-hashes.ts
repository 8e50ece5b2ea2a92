/**
 * The Content Security Policy of pages without a nonce (the prerendered
 * catalog, see lib/security/headers.ts) allows no inline script by itself:
 * this holds such an HTML answer back until Next.js has written all of it,
 * hashes each inline script (sha256, as CSP hashes are), adds the hashes to
 * the answer's script-src and only then sends headers and body. The shared
 * page cache records the answer as sent, hashed header included, so a cached
 * page costs nothing more.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import zlib from "node:zlib";
import { withInlineScriptHashes } from "../lib/security/headers";

/** `<script …>body</script>` without a src: an inline script's body cannot contain `</script`, so the match is exact. */
const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/** The CSP hash source of each distinct inline script in `html`, in page order. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, body] of html.matchAll(INLINE_SCRIPT)) {
    if (body) hashes.add(`sha256-${createHash("sha256").update(body, "utf8").digest("base64")}`);
  }
  return [...hashes];
}

function decoded(body: Buffer, encoding: string | undefined): string {
  if (!encoding || encoding === "identity") return body.toString("utf8");
  if (encoding === "gzip") return zlib.gunzipSync(body).toString("utf8");
  if (encoding === "br") return zlib.brotliDecompressSync(body).toString("utf8");
  if (encoding === "deflate") return zlib.inflateSync(body).toString("utf8");
  throw new Error(`unknown content-encoding ${encoding}`);
}

/**
 * Holds back the answer Next.js writes to `res`; an HTML answer is sent with
 * its inline scripts' hashes in script-src, anything else as it was written.
 * Install it after any other wrapper of `res` (the page cache's), so that
 * those see what is finally sent.
 */
export function hashInlineScripts(res: http.ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  const flushHeaders = res.flushHeaders.bind(res);
  const chunks: Buffer[] = [];
  /** Undecided until the headers are known; then HTML is held, anything else passes straight through. */
  let mode: "undecided" | "hold" | "pass" = "undecided";
  let headArgs: unknown[] | null = null;

  const decide = () => {
    if (mode !== "undecided") return;
    if (headArgs) {
      // Headers given to writeHead() are applied to the response now, so the decision and the final send both see them.
      const given = headArgs.find((arg) => typeof arg === "object" && arg !== null && !Array.isArray(arg)) as
        http.OutgoingHttpHeaders | undefined;
      for (const [name, value] of Object.entries(given ?? {})) if (value !== undefined) res.setHeader(name, value);
      res.statusCode = headArgs[0] as number;
    }
    const html = String(res.getHeader("content-type") ?? "").startsWith("text/html");
    const policy = res.getHeader("content-security-policy");
    mode = html && typeof policy === "string" && !policy.includes("'nonce-") ? "hold" : "pass";
    if (mode === "pass" && headArgs) writeHead(...headArgs);
  };
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"),
    );
  };

  // The wrappers stay in place once decided (what Next.js installs later, such as compression, wraps them), forwarding when passing through.
  res.writeHead = ((...args: unknown[]) => {
    // Node sends implicit headers through res.writeHead too.
    if (mode === "pass") return writeHead(...args);
    headArgs = args;
    return res;
  }) as typeof res.writeHead;
  // Nothing of a held page leaves before its body is whole; Next.js flushes early for streaming.
  res.flushHeaders = () => {
    if (mode === "pass") flushHeaders();
  };
  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    decide();
    if (mode === "pass") return write(chunk, encoding, callback);
    keep(chunk, encoding);
    if (typeof encoding === "function") (encoding as () => void)();
    else if (typeof callback === "function") (callback as () => void)();
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    decide();
    if (mode === "pass") return end(chunk, encoding, callback);
    keep(chunk, typeof encoding === "function" ? undefined : encoding);
    const body = Buffer.concat(chunks);
    const policy = String(res.getHeader("content-security-policy"));
    const encodingHeader = res.getHeader("content-encoding");
    res.setHeader(
      "content-security-policy",
      withInlineScriptHashes(policy, inlineScriptHashes(decoded(body, typeof encodingHeader === "string" ? encodingHeader : undefined))),
    );
    // Held, the body's length is known: sent whole instead of chunked.
    if (!res.hasHeader("content-length") && !res.hasHeader("transfer-encoding")) res.setHeader("content-length", body.length);
    writeHead(res.statusCode);
    const done = typeof encoding === "function" ? encoding : callback;
    return end(body, done as (() => void) | undefined);
  }) as typeof res.end;
}
