/**
 * Sends events to the app's webhook endpoint the way Stripe does: a JSON POST
 * signed in the `Stripe-Signature` header, retried with backoff while the app
 * answers non-2xx or cannot be reached. Tests can hold, delay and replay
 * deliveries to provoke the races a real integration meets.
 */
import Stripe from "stripe";
import type { SimLogger } from "../shared/log";
import type { FakeEvent } from "./objects";

export interface WebhookOptions {
  /** Without a URL, events are only stored. */
  url?: string;
  secret: string;
  /** Pauses before each retry; the list's length bounds the retries. */
  retryDelaysMs?: number[];
  /** How long one attempt may take before it counts as failed. */
  timeoutMs?: number;
  logger: SimLogger;
}

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  /** 1 for the first try of a delivery, 2 for its first retry, ... */
  attempt: number;
  /** The app's HTTP status, or null when it could not be reached. */
  status: number | null;
  ok: boolean;
  error?: string;
  at: string;
}

/** Held events go out oldest first, newest first, or in the order of the ids given. */
export type ReleaseOrder = "fifo" | "lifo" | string[];

const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 25_000];
const DEFAULT_TIMEOUT_MS = 10_000;

export class WebhookSender {
  /** Every attempt, oldest first. */
  readonly attempts: DeliveryAttempt[] = [];
  private held: FakeEvent[] | null = null;
  private delayMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();

  constructor(private readonly options: WebhookOptions) {}

  get hasEndpoint(): boolean {
    return Boolean(this.options.url);
  }

  /**
   * Resolves once the first attempt is over, so a caller can order the
   * webhook before its own reply; at once when the event is held or delayed.
   */
  async dispatch(event: FakeEvent): Promise<void> {
    if (!this.hasEndpoint) return;
    if (this.held) {
      this.held.push(event);
      return;
    }
    if (this.delayMs > 0) {
      this.after(this.delayMs, () => void this.deliver(event));
      return;
    }
    await this.deliver(event);
  }

  /** Queues new events instead of sending them, until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** What a test may want to check before releasing or after delaying. */
  status(): { holding: boolean; heldEventIds: string[]; delayMs: number } {
    return { holding: this.held !== null, heldEventIds: (this.held ?? []).map((e) => e.id), delayMs: this.delayMs };
  }

  /** Sends the held events one after another and stops holding; returns their ids in sending order. */
  async release(order: ReleaseOrder = "fifo"): Promise<string[]> {
    const ordered = orderHeld(this.held ?? [], order);
    this.held = null;
    for (const event of ordered) await this.deliver(event);
    return ordered.map((e) => e.id);
  }

  /** Sends each later event `ms` after it happens (0 sends at once). */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Sends `event` again `times` times, once each, regardless of hold and delay. */
  async redeliver(event: FakeEvent, times = 1): Promise<DeliveryAttempt[]> {
    const results: DeliveryAttempt[] = [];
    for (let i = 0; i < times; i++) results.push(await this.attempt(event, 1));
    return results;
  }

  close(): void {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The first attempt, awaited; any retries run in the background. */
  private async deliver(event: FakeEvent, attempt = 1): Promise<void> {
    if (this.closing.signal.aborted) return;
    const result = await this.attempt(event, attempt);
    if (result.ok) return;
    const retryDelays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const wait = retryDelays[attempt - 1];
    const log = { eventId: event.id, type: event.type, attempt, status: result.status, error: result.error };
    if (wait === undefined) {
      this.options.logger.error("webhook delivery gave up", log);
      return;
    }
    this.options.logger.warn("webhook delivery failed, will retry", { ...log, retryInMs: wait });
    this.after(wait, () => void this.deliver(event, attempt + 1));
  }

  private async attempt(event: FakeEvent, attempt: number): Promise<DeliveryAttempt> {
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.options.secret });
    const record: DeliveryAttempt = {
      eventId: event.id,
      eventType: event.type,
      attempt,
      status: null,
      ok: false,
      at: new Date().toISOString(),
    };
    try {
      const response = await fetch(this.options.url!, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": signature,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: payload,
        redirect: "manual",
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS)]),
      });
      await response.body?.cancel();
      record.status = response.status;
      record.ok = response.status >= 200 && response.status < 300;
    } catch (err) {
      record.error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    this.attempts.push(record);
    if (record.ok) this.options.logger.info("webhook delivered", { eventId: event.id, type: event.type, attempt });
    return record;
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}

function orderHeld(held: FakeEvent[], order: ReleaseOrder): FakeEvent[] {
  if (order === "fifo") return [...held];
  if (order === "lifo") return [...held].reverse();
  const byId = new Map(held.map((e) => [e.id, e]));
  const unknown = order.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw new Error(`Not held: ${unknown.join(", ")}`);
  return [...order.map((id) => byId.get(id)!), ...held.filter((e) => !order.includes(e.id))];
}
