import { ProviderNetworkError, ProviderTimeoutError } from "./errors";
import type { ProviderId } from "./types";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Sent as-is (string) or JSON-encoded (object). */
  body?: string | object;
  timeoutMs: number;
  /**
   * The caller records the call's outcome itself (recordProviderOutcome),
   * because the provider reports errors inside an HTTP 200 (MIOeSIM's code).
   * Otherwise a 2xx/3xx status counts as success and any other as an error.
   */
  callerJudgesOutcome?: boolean;
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
    if (!req.callerJudgesOutcome)
      recordProviderOutcome(provider, res.status < 400 ? null : `HTTP ${res.status} from ${req.method} ${pathOf(req.url)}`);
    return { status: res.status, headers: res.headers, text, json };
  } catch (err) {
    const failure = controller.signal.aborted
      ? new ProviderTimeoutError(provider, req.url, req.timeoutMs)
      : new ProviderNetworkError(provider, req.url, err);
    recordProviderOutcome(provider, `${failure.name} on ${req.method} ${pathOf(req.url)}`);
    throw failure;
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

// ---------------------------------------------------------------- call health (admin provider panel)

/**
 * The latest outcomes of each provider's calls, kept in memory by the process
 * that made them (a web server and a separate worker each see their own), and
 * reset on restart: cheap enough to record on every call.
 */
export interface ProviderCallHealth {
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  /** What went wrong, without URLs' query strings (they carry tokens and signatures). */
  lastError: string | null;
  calls: number;
  errors: number;
}

const globalForHealth = globalThis as unknown as { __providerHealth?: Map<ProviderId, ProviderCallHealth> };
const healthByProvider = (globalForHealth.__providerHealth ??= new Map());

/** Records one call: null for success, or what went wrong. */
export function recordProviderOutcome(provider: ProviderId, error: string | null, at = new Date()): void {
  const entry = healthByProvider.get(provider) ?? { lastSuccessAt: null, lastErrorAt: null, lastError: null, calls: 0, errors: 0 };
  entry.calls += 1;
  if (error === null) entry.lastSuccessAt = at;
  else {
    entry.errors += 1;
    entry.lastErrorAt = at;
    entry.lastError = error.slice(0, 300);
  }
  healthByProvider.set(provider, entry);
}

/** A copy of what this process has seen of the provider's calls. */
export function providerCallHealth(provider: ProviderId): ProviderCallHealth {
  const entry = healthByProvider.get(provider);
  return entry ? { ...entry } : { lastSuccessAt: null, lastErrorAt: null, lastError: null, calls: 0, errors: 0 };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "(bad URL)";
  }
}
