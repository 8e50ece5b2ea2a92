/**
 * Everything the fake remembers, in memory. Tests read it directly; the API
 * and the pay page change it only through `StripeSimulation`.
 */
import { StripeApiError } from "./errors";
import type { FakeCharge, FakeDispute, FakeEvent, FakeLineItem, FakeObject, FakePaymentIntent, FakeRefund, FakeSession } from "./objects";

export interface SessionRecord {
  session: FakeSession;
  lineItems: FakeLineItem[];
  /** Pay leaves the payment processing until a control settles it, like a bank debit. */
  asyncPayment: boolean;
  /** `payment_intent_data` from the create call, applied when Pay creates the PaymentIntent. */
  paymentIntentData: { metadata: Record<string, string>; description: string | null };
}

type Expandable = Record<string, unknown>;

/** Stripe refuses deeper expansions; the same bound keeps a bad path from looping. */
const MAX_EXPAND_DEPTH = 4;

export class FakeStripeState {
  readonly sessions = new Map<string, SessionRecord>();
  readonly paymentIntents = new Map<string, FakePaymentIntent>();
  readonly charges = new Map<string, FakeCharge>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly disputes = new Map<string, FakeDispute>();
  /** Every event ever created, oldest first, whether or not it was delivered. */
  readonly events: FakeEvent[] = [];

  /** Finds a stored object by id; Stripe ids name their type in the prefix. */
  find(id: string): FakeObject | undefined {
    if (id.startsWith("cs_")) return this.sessions.get(id)?.session;
    if (id.startsWith("pi_")) return this.paymentIntents.get(id);
    if (id.startsWith("ch_")) return this.charges.get(id);
    if (id.startsWith("re_")) return this.refunds.get(id);
    if (id.startsWith("du_")) return this.disputes.get(id);
    return undefined;
  }

  event(id: string): FakeEvent | undefined {
    return this.events.find((e) => e.id === id);
  }

  /**
   * A copy of `object` with the `expand[]` paths replaced by the objects they
   * name, e.g. `payment_intent` or `payment_intent.latest_charge`.
   */
  expanded(object: FakeObject, paths: string[]): Expandable {
    const copy = structuredClone(object) as Expandable;
    for (const path of paths) {
      const segments = path.split(".");
      if (segments.length > MAX_EXPAND_DEPTH) {
        throw StripeApiError.invalidRequest(`You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property.`, {
          param: "expand",
        });
      }
      this.expandPath(copy, segments, path);
    }
    return copy;
  }

  private expandPath(target: Expandable, [field, ...rest]: string[], path: string): void {
    const current = target[field!];
    if (target.object === "checkout.session" && field === "line_items") {
      target.line_items = this.lineItemList(String(target.id));
    } else if (typeof current === "string" && this.find(current)) {
      target[field!] = structuredClone(this.find(current));
    } else if (current === null) {
      return;
    } else if (typeof current !== "object") {
      throw StripeApiError.invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" });
    }
    if (rest.length > 0) this.expandPath(target[field!] as Expandable, rest, path);
  }

  lineItemList(sessionId: string) {
    return {
      object: "list" as const,
      data: structuredClone(this.sessions.get(sessionId)?.lineItems ?? []),
      has_more: false,
      url: `/v1/checkout/sessions/${sessionId}/line_items`,
    };
  }
}
