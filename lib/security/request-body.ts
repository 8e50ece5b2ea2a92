/**
 * Request bodies read with a ceiling, so that a client cannot make the server
 * buffer (or verify a signature over) an arbitrarily large upload.
 */
import "server-only";

/**
 * The body as text, or null once it is longer than `maxBytes`: a declared
 * Content-Length over the limit is refused before a byte is read, and a
 * body without one (chunked) is read only until it passes the limit.
 */
export async function readTextUpTo(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
