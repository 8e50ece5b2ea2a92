/**
 * The `/v1` endpoints the billing module calls, answering in Stripe's wire
 * format: form-encoded requests, JSON objects and error envelopes, Bearer
 * test keys, and idempotency keys replayed the way Stripe replays them.
 */
import Stripe from "stripe";
import type { SimRequest, SimResponse, SimServer } from "../shared/server";
import { StripeApiError } from "./errors";
import { parseStripeForm, type FormObject } from "./form";
import { newId, type FakeObject } from "./objects";
import { readCreateRefund, readCreateSession, readExpand } from "./params";
import type { EventOrigin, StripeSimulation } from "./simulation";

interface ApiCall {
  params: FormObject;
  /** The `:id` path segment, when the route has one. */
  id: string;
  origin: EventOrigin;
}

type ApiHandler = (call: ApiCall) => object | Promise<object>;

/**
 * Changes made through the API send their webhooks in the background: the app
 * may be awaiting the answer while holding what its own webhook handler needs.
 */
export function registerApiRoutes(sim: SimServer, stripe: StripeSimulation): void {
  const { state } = stripe;
  const idempotency = new IdempotencyCache();
  const route = (method: "GET" | "POST", path: string, handler: ApiHandler) =>
    sim.route(method, path, (req) => answer(req, idempotency, handler));
  const found = <T extends FakeObject>(object: T | undefined, name: string, id: string): T => {
    if (!object) throw StripeApiError.noSuch(name, id, "id");
    return object;
  };

  route("POST", "/v1/checkout/sessions", ({ params }) =>
    state.expanded(stripe.createSession(readCreateSession(params)), readExpand(params)),
  );
  route("GET", "/v1/checkout/sessions/:id", ({ params, id }) => state.expanded(stripe.sessionRecord(id).session, readExpand(params)));
  route("GET", "/v1/checkout/sessions/:id/line_items", ({ id }) => state.lineItemList(stripe.sessionRecord(id).session.id));
  route("POST", "/v1/checkout/sessions/:id/expire", async ({ params, id }) =>
    state.expanded(await stripe.expireSession(id, "background"), readExpand(params)),
  );
  route("GET", "/v1/payment_intents/:id", ({ params, id }) =>
    state.expanded(found(state.paymentIntents.get(id), "payment_intent", id), readExpand(params)),
  );
  route("GET", "/v1/charges/:id", ({ params, id }) => state.expanded(found(state.charges.get(id), "charge", id), readExpand(params)));
  route("POST", "/v1/refunds", async ({ params, origin }) =>
    state.expanded(await stripe.refund(readCreateRefund(params), origin, "background"), readExpand(params)),
  );
  route("GET", "/v1/refunds/:id", ({ params, id }) => state.expanded(found(state.refunds.get(id), "refund", id), readExpand(params)));
  route("GET", "/v1/disputes/:id", ({ params, id }) => state.expanded(found(state.disputes.get(id), "dispute", id), readExpand(params)));
  route("GET", "/v1/events/:id", ({ id }) => {
    const event = state.event(id);
    if (!event) throw StripeApiError.noSuch("event", id, "id");
    return event;
  });
}

/**
 * SimServer matches whole path segments only, so Stripe's 404 for unknown
 * URLs takes one catch-all route per depth; register it after every other route.
 */
export function registerUnknownRoutes(sim: SimServer): void {
  const MAX_DEPTH = 8;
  for (const method of ["GET", "POST", "DELETE"]) {
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      const path = Array.from({ length: depth }, (_, i) => `/:segment${i}`).join("");
      sim.route(method, path, (req) =>
        errorResponse(
          StripeApiError.invalidRequest(
            `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
            { status: 404 },
          ),
          newId("req", 14),
        ),
      );
    }
  }
}

async function answer(req: SimRequest, idempotency: IdempotencyCache, handler: ApiHandler): Promise<SimResponse> {
  const requestId = newId("req", 14);
  try {
    const apiKey = authenticate(req);
    const params = parseStripeForm(req.method === "GET" ? req.query : new URLSearchParams(req.rawBody));
    const idempotencyKey = req.method === "POST" ? headerValue(req, "idempotency-key") : undefined;
    const call: ApiCall = { params, id: req.params.id ?? "", origin: { id: requestId, idempotency_key: idempotencyKey ?? null } };
    if (!idempotencyKey) return jsonResponse(await handler(call), requestId);
    return await idempotency.run(`${apiKey}\n${idempotencyKey}`, idempotencyKey, fingerprint(req, params), async () =>
      jsonResponse(await handler(call), requestId),
    );
  } catch (err) {
    if (err instanceof StripeApiError) return errorResponse(err, requestId);
    return errorResponse(new StripeApiError(500, "api_error", `The fake Stripe failed: ${String(err)}`), requestId);
  }
}

function authenticate(req: SimRequest): string {
  const header = headerValue(req, "authorization");
  if (!header) {
    throw new StripeApiError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? header;
  // The fake is a test-mode account: live keys, and anything else, are refused as Stripe refuses a wrong key.
  if (!/^sk_test_\S+$/.test(key)) {
    throw new StripeApiError(401, "invalid_request_error", `Invalid API Key provided: ${maskKey(key)}`);
  }
  return key;
}

function maskKey(key: string): string {
  if (key.length <= 12) return "*".repeat(key.length);
  return key.slice(0, 8) + "*".repeat(key.length - 12) + key.slice(-4);
}

function headerValue(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The same parameters in another order are the same request. */
function fingerprint(req: SimRequest, params: FormObject): string {
  const sorted = JSON.stringify(params, (_key, value: unknown) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  return `${req.method} ${req.path} ${sorted}`;
}

function jsonResponse(body: object, requestId: string): SimResponse {
  return { status: 200, headers: responseHeaders(requestId), body };
}

function errorResponse(err: StripeApiError, requestId: string): SimResponse {
  return { status: err.status, headers: responseHeaders(requestId), body: { error: err.body } };
}

function responseHeaders(requestId: string): Record<string, string> {
  return { "request-id": requestId, "stripe-version": Stripe.API_VERSION };
}

/**
 * Stripe keeps the answer to the first request with a key and replays it for
 * the same parameters. Failed requests are not kept here, so a corrected retry
 * with the same key can succeed; Stripe keeps some failures too, which no
 * integration should rely on.
 */
class IdempotencyCache {
  /** null while the first request is still being handled. */
  private readonly answers = new Map<string, { fingerprint: string; response: SimResponse | null }>();

  async run(scope: string, key: string, print: string, handle: () => Promise<SimResponse>): Promise<SimResponse> {
    const earlier = this.answers.get(scope);
    if (earlier && earlier.fingerprint !== print) {
      throw new StripeApiError(
        400,
        "idempotency_error",
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (earlier?.response === null) {
      throw StripeApiError.invalidRequest(
        "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please retry this request later.",
        { status: 409, code: "idempotency_key_in_use" },
      );
    }
    if (earlier?.response) {
      return { ...earlier.response, headers: { ...earlier.response.headers, "idempotent-replayed": "true" } };
    }
    const entry = { fingerprint: print, response: null as SimResponse | null };
    this.answers.set(scope, entry);
    try {
      entry.response = await handle();
      return entry.response;
    } finally {
      if (entry.response === null) this.answers.delete(scope);
    }
  }
}
