import type { SimRequest, SimResponse, SimServer } from "../shared/server";
import { forbidden, insufficientFunds, SimError, unauthorized } from "./sim-error";
import type { DialectSetting } from "../shared/dialect-control";
import { baseDialect, type MeisimDialect } from "./dialects";
import { ArrivalLog, DOCUMENTED_RATE_LIMITS, type MeisimRateGroup, type RateLimit } from "./rate-limits";
import type { Dealer, MeisimState } from "./state";
import { variantHistory, variantWriteAnswer, WRITE_PATHS } from "./variants";

/**
 * Outcomes tests can force through `faults.forced` (in-process or POST /__sim/faults):
 * `rateLimited` answers the next N requests 429 with Retry-After: 1;
 * `jwtRejected` refuses the next N bearer tokens with 401, as after a server-side revocation;
 * `answerLost`: the next N eSIM orders (POST /api/v1/esim/order) are placed but never answered (the client times out).
 */
/** `walletShort`: the next eSIM order answers 402 (the dealer wallet ran short after the store checked it), placing nothing. */
export type MeisimForcedFault = "rateLimited" | "jwtRejected" | "answerLost" | "walletShort";

const ESIM_ORDER_PATH = "/api/v1/esim/order";

export interface RouteContext {
  req: SimRequest;
  /** The authenticated dealer (for portal routes, the dealer whose wallet the portal user spends). */
  dealer: Dealer;
  /** Scheme and host the caller reached us on, for URLs we hand out. */
  origin: string;
}

interface RouteSpec {
  /** dealer: x-dealer-key or dealer JWT; dealerKey: the key only; portal: portal JWT. */
  auth: "none" | "dealer" | "dealerKey" | "portal";
  group?: MeisimRateGroup;
  /** OTP and login limits count per IP, the rest per dealer. */
  perIp?: boolean;
}

/** A full answer (status, headers, text body) where a handler needs more than a JSON 200. */
export class Raw {
  constructor(readonly response: SimResponse) {}
}

type Handler<A extends RouteSpec["auth"]> = (
  ctx: A extends "none" ? Omit<RouteContext, "dealer"> : RouteContext,
) => Raw | object | Promise<Raw | object>;

const header = (req: SimRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * MeiSIM's cross-cutting rules in front of every route: authentication
 * (401), account status (403), sliding-window limits (429 + Retry-After),
 * the forced faults, and SimError → JSON error answers.
 */
export class MeisimRouter {
  private readonly windows = new Map<string, ArrivalLog>();
  private readonly rules: Record<MeisimRateGroup, RateLimit | null>;

  private readonly forced: (fault: MeisimForcedFault) => boolean;

  constructor(
    private readonly server: SimServer,
    private readonly state: MeisimState,
    rateLimits: Partial<Record<MeisimRateGroup, RateLimit | null>> = {},
    private readonly setting: DialectSetting<MeisimDialect>,
  ) {
    this.rules = { ...DOCUMENTED_RATE_LIMITS, ...rateLimits };
    this.forced = (fault) => server.takeForced(fault);
  }

  route<A extends RouteSpec["auth"]>(method: "GET" | "POST", path: string, spec: RouteSpec & { auth: A }, handler: Handler<A>): this {
    this.server.route(method, path, async (req) => {
      try {
        if (this.forced("rateLimited")) return this.tooMany("Forced rate limit", 1_000);
        // The dealer wallet runs short between the store's check and its order: a 402, nothing placed.
        if (req.path === ESIM_ORDER_PATH && this.forced("walletShort")) {
          const err = insufficientFunds(0, 100);
          return { status: err.status, body: this.errorBody(err, req.path) };
        }
        this.state.settle();
        const dealer = spec.auth === "none" ? undefined : this.authenticate(req, spec.auth);
        const limited = spec.group && this.limit(spec.group, spec.perIp || !dealer ? `ip:${req.ip}` : dealer.id);
        if (limited) return limited;
        const origin = `http://${header(req, "host") ?? "127.0.0.1"}`;
        const out = await (handler as Handler<"dealer">)({ req, dealer: dealer!, origin });
        // Placed, so this is where a lost answer strikes: the server holds the answer back.
        if (req.path === ESIM_ORDER_PATH && this.forced("answerLost")) this.server.faults.hangAfterProcessing += 1;
        const answer = out instanceof Raw ? out.response : { body: out };
        if (WRITE_PATHS.has(req.path)) return variantWriteAnswer(this.setting, req.path, answer);
        return variantHistory(this.setting, req.path, answer, this.state.now());
      } catch (err) {
        if (err instanceof SimError) return { status: err.status, body: this.errorBody(err, req.path) };
        throw err;
      }
    });
    return this;
  }

  /** The document promises 402 figures (balance, required) only for /dealer/esim-verify; the strict dialect sends them nowhere else. */
  private errorBody(err: SimError, path: string): Record<string, unknown> {
    if (baseDialect(this.setting.current) === "strict" && !path.startsWith("/dealer/esim-verify"))
      return { error: err.error, message: err.message };
    return err.body;
  }

  private authenticate(req: SimRequest, mode: Exclude<RouteSpec["auth"], "none">): Dealer {
    const key = header(req, "x-dealer-key");
    const bearer = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
    let dealer: Dealer | undefined;
    if (mode === "portal") {
      const userId = bearer && !this.forced("jwtRejected") ? this.state.verifyToken(bearer, "portal") : null;
      const user = userId ? this.state.portalUsers.find((u) => u.id === userId) : undefined;
      if (!user) throw unauthorized("Missing or invalid portal token");
      dealer = this.state.dealerById(user.dealerId);
    } else if (key) {
      dealer = this.state.dealers.find((d) => d.apiKey === key);
      if (!dealer) throw unauthorized("Invalid x-dealer-key");
    } else if (mode === "dealerKey") {
      throw unauthorized("This endpoint requires x-dealer-key");
    } else if (bearer) {
      const dealerId = this.forced("jwtRejected") ? null : this.state.verifyToken(bearer, "dealer");
      dealer = dealerId ? this.state.dealerById(dealerId) : undefined;
      if (!dealer) throw unauthorized("Invalid or expired JWT");
    } else {
      throw unauthorized("Missing x-dealer-key or Authorization: Bearer JWT");
    }
    if (!dealer) throw unauthorized("Unknown account");
    if (dealer.status !== "approved") throw forbidden(`Dealer account is ${dealer.status}`);
    return dealer;
  }

  private limit(group: MeisimRateGroup, key: string): SimResponse | null {
    const rule = this.rules[group];
    if (!rule) return null;
    const id = `${group}:${key}`;
    let window = this.windows.get(id);
    if (!window) this.windows.set(id, (window = new ArrivalLog(rule, () => this.state.now())));
    const waitMs = window.admit();
    return waitMs > 0 ? this.tooMany(`Rate limit exceeded for ${group} (${rule.limit} per ${rule.windowMs / 1000} s)`, waitMs) : null;
  }

  private tooMany(message: string, waitMs: number): SimResponse {
    return {
      status: 429,
      headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) },
      body: { error: "Too many requests", message },
    };
  }
}
