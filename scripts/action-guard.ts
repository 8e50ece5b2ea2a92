/**
 * Server action requests Next.js cannot decode (a Next-Action id no build
 * has, a multipart body that does not parse, a reply that is not JSON) make
 * React's decoder throw before any of our code runs, and Next.js answers
 * 500. The launcher's server reads such a request's body first (at most
 * Next.js's own 1 MB action limit) and answers 400 (413 when too large)
 * itself; a decodable request is handed on with its body replayed.
 */
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

/** Next.js's default serverActions.bodySizeLimit. */
export const MAX_ACTION_BODY_BYTES = 1024 * 1024;

/** The action ids of this build, or null when the manifest cannot be read (then ids are left to Next.js). */
export function buildActionIds(distDir = path.join(process.cwd(), ".next")): ReadonlySet<string> | null {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8")) as {
      node?: Record<string, unknown>;
      edge?: Record<string, unknown>;
    };
    return new Set([...Object.keys(manifest.node ?? {}), ...Object.keys(manifest.edge ?? {})]);
  } catch {
    return null;
  }
}

/** Why the action request cannot be decoded, or null when it can be handed to Next.js. */
export async function undecodableAction(
  actionId: string,
  contentType: string,
  body: Buffer,
  knownIds: ReadonlySet<string> | null,
): Promise<string | null> {
  if (knownIds && !knownIds.has(actionId)) return "unknown server action";
  if (/^multipart\/form-data\b/i.test(contentType)) {
    try {
      await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
      return null;
    } catch {
      return "malformed multipart body";
    }
  }
  // A form posted without JavaScript carries its fields URL-encoded, which always decode.
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) return null;
  // Anything else is React's encoded reply: a JSON array of the arguments.
  try {
    const reply: unknown = JSON.parse(body.toString("utf8"));
    return Array.isArray(reply) ? null : "the action's arguments are not a list";
  } catch {
    return "malformed action arguments";
  }
}

/** The request body, or null once it passes `maxBytes` (the rest is not read). */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/** A request like `req` whose body is `body`, for Next.js to read as if from the socket. */
export function replayed(req: http.IncomingMessage, body: Buffer): http.IncomingMessage {
  const copy = new http.IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.headers = req.headers;
  copy.rawHeaders = req.rawHeaders;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.push(body);
  copy.push(null);
  copy.complete = true;
  return copy;
}
