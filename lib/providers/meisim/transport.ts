import "server-only";
import type { z } from "zod";
import { log as rootLog, type Logger } from "../../log";
import { ProviderError, ProviderNetworkError, ProviderResponseError, ProviderTimeoutError } from "../errors";
import { httpRequest, sleep, withRetry, type HttpResponse, type RetryPolicy } from "../http";
import { MEISIM_DEFAULTS, type MeisimClientConfig } from "./config";
import { meisimErrorFor, MeisimNotConfiguredError, MeisimServerError, type MeisimErrorBody } from "./errors";
import { parseResponse } from "./response";
import { RateLimiter, type MeisimRateGroup } from "./sliding-window";

/** Which credentials a call carries. `dealerKey` is for the one call that only takes the key (set-password). */
export type AuthMode = "none" | "dealer" | "dealerKey" | "portal";

export interface Endpoint {
  method: "GET" | "POST";
  /** Path with `:name` parameters. */
  path: string;
  auth: AuthMode;
  group?: MeisimRateGroup;
  /** Sending it twice changes nothing upstream, so timeouts, network errors and 5xx may be retried. */
  idempotent: boolean;
}

export interface CallOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | undefined>;
  body?: object;
  /** Overrides the configured dealer key, e.g. with the key fresh from verify-otp. */
  dealerKey?: string;
}

export interface Session {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** A JWT obtained by a login call, renewed shortly before it expires; concurrent callers share one login. */
export class TokenSession {
  private current: (Session & { renewAt: number }) | null = null;
  private pending: Promise<Session> | null = null;

  constructor(
    private readonly login: () => Promise<Session>,
    private readonly marginMs: number,
  ) {}

  async token(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return this.current.token;
    this.pending ??= this.login()
      .then((session) => {
        const lifetime = session.expiresAt - Date.now();
        this.current = { ...session, renewAt: session.expiresAt - Math.min(this.marginMs, lifetime / 10) };
        return session;
      })
      .finally(() => {
        this.pending = null;
      });
    return (await this.pending).token;
  }

  /** When the token held now expires (epoch ms); null before the first login. */
  expiresAt(): number | null {
    return this.current?.expiresAt ?? null;
  }

  /** Drops a token the server refused, unless a newer one already replaced it. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }
}

export const describeEndpoint = (ep: Endpoint) => `${ep.method} ${ep.path}`;

function isTransient(err: unknown): boolean {
  return err instanceof ProviderTimeoutError || err instanceof ProviderNetworkError || err instanceof MeisimServerError;
}

/** Retry-After as seconds (decimals tolerated) or an HTTP date; 1 s when absent or unreadable. */
function retryAfterMs(headers: Headers): number {
  const value = headers.get("retry-after")?.trim();
  if (!value) return 1_000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1_000 : Math.max(0, at - Date.now());
}

function errorBody(res: HttpResponse): MeisimErrorBody {
  const json = (typeof res.json === "object" && res.json !== null ? res.json : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  const figure = (v: unknown) => (typeof v === "number" || typeof v === "string" ? v : undefined);
  return {
    error: text(json.error),
    message: text(json.message) ?? res.text.slice(0, 200),
    balance: figure(json.balance),
    required: figure(json.required),
  };
}

/**
 * One MeiSIM exchange end to end: credentials, client-side pacing, bounded
 * waits on 429, one re-login on a refused JWT, retries of safe requests, and
 * the mapping of non-2xx answers to typed errors.
 */
export class MeisimTransport {
  readonly log: Logger;
  private readonly limiter: RateLimiter;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly rateLimitRetry: { attempts: number; maxWaitMs: number };
  private readonly dealerSession: TokenSession | null;
  private readonly portalSession: TokenSession | null;

  constructor(
    private readonly config: MeisimClientConfig,
    logins: { dealer: (() => Promise<Session>) | null; portal: (() => Promise<Session>) | null },
  ) {
    this.log = config.logger ?? rootLog.child({ provider: "meisim" });
    this.limiter = new RateLimiter(config.rateLimits);
    this.fetchImpl = config.fetchImpl ?? fetch;
    this.baseUrl = config.baseUrl.replace(/\/+$/, "");
    this.retry = config.retry ?? MEISIM_DEFAULTS.retry;
    this.rateLimitRetry = config.rateLimitRetry ?? MEISIM_DEFAULTS.rateLimitRetry;
    const margin = config.tokenRefreshMarginMs ?? MEISIM_DEFAULTS.tokenRefreshMarginMs;
    this.dealerSession = logins.dealer && new TokenSession(logins.dealer, margin);
    this.portalSession = logins.portal && new TokenSession(logins.portal, margin);
  }

  /** For the health panel: our own count of requests per rate-limit group, against the documented limits. */
  rateUsage() {
    return this.limiter.usage();
  }

  /** The dealer JWT's expiry (epoch ms) when dealer calls sign in with a password; null otherwise or before the first login. */
  dealerTokenExpiresAt(): number | null {
    return this.dealerSession?.expiresAt() ?? null;
  }

  async json<S extends z.ZodType>(ep: Endpoint, schema: S, options: CallOptions = {}): Promise<z.output<S>> {
    const res = await this.send(ep, options, this.config.timeoutMs ?? MEISIM_DEFAULTS.timeoutMs);
    return parseResponse(schema, res.json, describeEndpoint(ep));
  }

  /**
   * The parsed JSON body of an answer the document shapes only loosely, for
   * the readers in ./normalise; undefined for an empty body. A non-empty body
   * that is not JSON fails here.
   */
  async body(ep: Endpoint, options: CallOptions = {}): Promise<unknown> {
    const res = await this.send(ep, options, this.config.timeoutMs ?? MEISIM_DEFAULTS.timeoutMs);
    if (res.text.trim() === "") return undefined;
    if (res.json === undefined)
      throw new ProviderResponseError("meisim", `${describeEndpoint(ep)}: response body is not JSON (${res.text.slice(0, 60)})`);
    return res.json;
  }

  /** Raw text body (CSV exports). */
  async text(ep: Endpoint, options: CallOptions = {}): Promise<string> {
    const res = await this.send(ep, options, this.config.downloadTimeoutMs ?? MEISIM_DEFAULTS.downloadTimeoutMs);
    return res.text;
  }

  private async send(ep: Endpoint, options: CallOptions, timeoutMs: number): Promise<HttpResponse> {
    const url = this.url(ep, options);
    const policy = ep.idempotent ? this.retry : { attempts: 1, baseDelayMs: 0 };
    return withRetry(
      policy,
      async (attempt) => {
        if (attempt > 1) this.log.warn("meisim: retrying safe request", { endpoint: describeEndpoint(ep), attempt });
        const res = await this.exchange(ep, url, options, timeoutMs);
        if (res.status >= 200 && res.status < 300) return res;
        throw meisimErrorFor(res.status, describeEndpoint(ep), errorBody(res), retryAfterMs(res.headers));
      },
      isTransient,
    );
  }

  /** Sends until the answer is neither a 429 we may sit out nor a first refusal of a JWT. */
  private async exchange(ep: Endpoint, url: string, options: CallOptions, timeoutMs: number): Promise<HttpResponse> {
    let rateLimited = 0;
    let reauthenticated = false;
    for (;;) {
      await this.limiter.acquire(ep.group);
      const { headers, session, token } = await this.credentials(ep, options);
      const res = await httpRequest("meisim", { method: ep.method, url, headers, body: options.body, timeoutMs }, this.fetchImpl);
      if (res.status === 429) {
        const waitMs = retryAfterMs(res.headers);
        this.limiter.hold(ep.group, waitMs);
        if (++rateLimited > this.rateLimitRetry.attempts || waitMs > this.rateLimitRetry.maxWaitMs) return res;
        this.log.warn("meisim: rate limited, waiting", { endpoint: describeEndpoint(ep), waitMs, attempt: rateLimited });
        await sleep(waitMs);
        continue;
      }
      if (res.status === 401 && session && token && !reauthenticated) {
        this.log.info("meisim: JWT refused, logging in again", { endpoint: describeEndpoint(ep) });
        session.invalidate(token);
        reauthenticated = true;
        continue;
      }
      return res;
    }
  }

  private async credentials(
    ep: Endpoint,
    options: CallOptions,
  ): Promise<{ headers: Record<string, string>; session?: TokenSession; token?: string }> {
    const bearer = async (session: TokenSession) => {
      const token = await session.token();
      return { headers: { authorization: `Bearer ${token}` }, session, token };
    };
    switch (ep.auth) {
      case "none":
        return { headers: {} };
      case "dealerKey": {
        const key = await this.dealerKey(options);
        if (!key) throw new MeisimNotConfiguredError("a dealer key (x-dealer-key)");
        return { headers: { "x-dealer-key": key } };
      }
      case "dealer": {
        const key = await this.dealerKey(options);
        if (key) return { headers: { "x-dealer-key": key } };
        if (this.dealerSession) return bearer(this.dealerSession);
        throw new MeisimNotConfiguredError("a dealer key or dealer email and password");
      }
      case "portal":
        if (this.portalSession) return bearer(this.portalSession);
        throw new MeisimNotConfiguredError("portal email and password");
    }
  }

  /** The call's own key, else the stored one, else the configured one. */
  private async dealerKey(options: CallOptions): Promise<string | undefined> {
    return options.dealerKey ?? (await this.config.storedDealerKey?.()) ?? this.config.dealerKey;
  }

  private url(ep: Endpoint, options: CallOptions): string {
    const path = ep.path.replace(/:(\w+)/g, (_m, name: string) => {
      const value = options.params?.[name];
      if (value === undefined) throw new ProviderError("meisim", `${describeEndpoint(ep)}: missing path parameter ${name}`);
      return encodeURIComponent(String(value));
    });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const search = query.size > 0 ? `?${query}` : "";
    return `${this.baseUrl}${path}${search}`;
  }
}
