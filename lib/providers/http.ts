import { ProviderNetworkError, ProviderTimeoutError } from "./errors";
import type { ProviderId } from "./types";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Sent as-is (string) or JSON-encoded (object). */
  body?: string | object;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

/**
 * One HTTP exchange with a timeout. Network failures and timeouts become
 * typed provider errors; any HTTP status is returned to the caller, who knows
 * the provider's error conventions.
 */
export async function httpRequest(provider: ProviderId, req: HttpRequest, fetchImpl: typeof fetch = fetch): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  let body: string | undefined;
  if (typeof req.body === "string") body = req.body;
  else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers["content-type"] ??= "application/json";
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  try {
    const res = await fetchImpl(req.url, { method: req.method, headers, body, signal: controller.signal });
    const text = await res.text();
    let json: unknown;
    try {
      json = text.length ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  } catch (err) {
    if (controller.signal.aborted) throw new ProviderTimeoutError(provider, req.url, req.timeoutMs);
    throw new ProviderNetworkError(provider, req.url, err);
  } finally {
    clearTimeout(timer);
  }
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, its error is not retryable, or the
 * attempts run out; exponential backoff with full jitter between tries.
 * Only for requests that are safe to repeat.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  isRetryable: (err: unknown) => boolean,
): Promise<T> {
  let lastError: unknown;
  for (let n = 1; n <= policy.attempts; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      lastError = err;
      if (n === policy.attempts || !isRetryable(err)) throw err;
      const cap = Math.min(policy.maxDelayMs ?? 5_000, policy.baseDelayMs * 2 ** (n - 1));
      await sleep(Math.random() * cap);
    }
  }
  throw lastError;
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Decimal major units (4.49) to integer minor units (449) without float drift. */
export function toMinorUnits(amount: number | string, fractionDigits = 2): number {
  const text = typeof amount === "number" ? amount.toFixed(fractionDigits + 2) : amount.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`Not a decimal amount: ${amount}`);
  const negative = text.startsWith("-");
  const [whole = "0", frac = ""] = text.replace("-", "").split(".");
  const padded = (frac + "0".repeat(fractionDigits + 1)).slice(0, fractionDigits + 1);
  let minor = Number(whole) * 10 ** fractionDigits + Number(padded.slice(0, fractionDigits));
  if (Number(padded[fractionDigits]) >= 5) minor += 1; // half-up on the next digit
  return negative ? -minor : minor;
}
