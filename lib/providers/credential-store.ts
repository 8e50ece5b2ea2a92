/**
 * Provider credentials an admin obtained through the app (MeiSIM's dealer key
 * from the OTP flow), kept only encrypted. The registry reads the dealer key
 * from here, so a key rotated by an admin is used without a restart; the
 * environment's key applies only while none is stored.
 */
import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "../config/env";
import { db } from "../db/client";
import { log } from "../log";

export const DEALER_KEY = "dealer-key";

/**
 * How long a process trusts the key it read. The process that stores a new
 * key forgets its copy at once; other processes (the job worker) follow
 * within this time.
 */
const DEALER_KEY_CACHE_MS = 30_000;

function credentialKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", env().AUTH_SECRET, "roamsim", "meisim-credential", 32));
}

/** AES-256-GCM; the result is base64url of iv ‖ ciphertext ‖ tag. */
export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", credentialKey(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

export function openSecret(sealed: string): string {
  const bytes = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", credentialKey(), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
}

/** The dealer key obtained through the OTP flow, decrypted; null when none was stored. */
export async function storedDealerKey(): Promise<string | null> {
  const row = await db().meisimCredential.findUnique({ where: { name: DEALER_KEY } });
  return row ? openSecret(row.sealed) : null;
}

export async function dealerKeyIssuedAt(): Promise<Date | null> {
  return (await db().meisimCredential.findUnique({ where: { name: DEALER_KEY }, select: { updatedAt: true } }))?.updatedAt ?? null;
}

const cache = globalThis as unknown as { __dealerKey?: { key: string | null; readAt: number } };

/**
 * The stored dealer key for the MeiSIM client, read at most every 30 s. A key
 * that cannot be read (database down, AUTH_SECRET changed since it was
 * sealed) counts as none, so the environment's key still works; the key
 * itself never reaches a log line.
 */
export async function currentDealerKey(now = Date.now()): Promise<string | null> {
  const held = cache.__dealerKey;
  if (held && now - held.readAt < DEALER_KEY_CACHE_MS) return held.key;
  let key: string | null;
  try {
    key = await storedDealerKey();
  } catch (err) {
    log.warn("the stored MeiSIM dealer key cannot be read; using the configured one", {
      error: err instanceof Error ? err.name : "unknown",
    });
    key = null;
  }
  cache.__dealerKey = { key, readAt: now };
  return key;
}

/** Called after a new key is stored, so this process uses it from the next call. */
export function forgetCachedDealerKey(): void {
  delete cache.__dealerKey;
}
