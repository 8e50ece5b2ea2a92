import { createHmac, timingSafeEqual } from "node:crypto";

/** HS256 JWTs, enough to issue and check the simulator's own tokens. */

export interface SimClaims {
  sub: string;
  kind: "dealer" | "portal";
  /** Seconds since the epoch; fractional, so short test lifetimes stay exact. */
  exp: number;
  iat: number;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function signature(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data).digest("base64url");
}

export function signJwt(secret: string, claims: SimClaims): string {
  const data = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${data}.${signature(secret, data)}`;
}

/** The claims of a well-signed, unexpired token; null otherwise. */
export function verifyJwt(secret: string, token: string, nowMs: number): SimClaims | null {
  const [header, payload, sig] = token.split(".");
  if (!header || !payload || !sig) return null;
  const expected = Buffer.from(signature(secret, `${header}.${payload}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SimClaims;
    return typeof claims.exp === "number" && claims.exp * 1000 > nowMs ? claims : null;
  } catch {
    return null;
  }
}
