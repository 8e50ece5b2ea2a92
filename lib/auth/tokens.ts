/**
 * The secrets in the links this store emails (address confirmation, password
 * reset). The link carries the token; the database keeps only its SHA-256, so
 * a database dump yields no working link. 256 random bits need no slow hash.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** A new token: 43 base64url characters. */
export const newLinkToken = () => randomBytes(32).toString("base64url");

export const hashLinkToken = (token: string) => createHash("sha256").update(token).digest("hex");
