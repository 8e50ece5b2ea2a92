/**
 * What providers answered about an order, kept for the order desk: a person
 * deciding on an order in review reads what the provider actually said.
 * Writing one never fails the work that produced it.
 */
import "server-only";
import { db, type Prisma } from "../db/client";
import { log } from "../log";
import { describeProviderFailure } from "../providers/errors";

export type ProviderOperation = "place" | "renew" | "look-up" | "usage";

/** The largest body kept; a longer one is cut (and says so) rather than filling the table. */
const MAX_BODY_CHARS = 64_000;

export interface ProviderAnswerInput {
  orderId: string;
  provider: string;
  operation: ProviderOperation;
  outcome: string;
  /** The provider's body where the adapter passes it on, else what the adapter read from it; or the error. */
  body: unknown;
}

/** A thrown provider failure as something to keep: the message an admin reads and the error's fields. */
export function failureBody(err: unknown): Record<string, unknown> {
  const fields = err && typeof err === "object" ? { ...(err as Record<string, unknown>) } : {};
  return { error: describeProviderFailure(err), ...fields };
}

export async function recordProviderAnswer(answer: ProviderAnswerInput): Promise<void> {
  try {
    await db().providerAnswer.create({
      data: {
        orderId: answer.orderId,
        provider: answer.provider,
        operation: answer.operation,
        outcome: answer.outcome,
        body: asJson(answer.body),
      },
    });
  } catch (error) {
    log.warn("could not keep a provider answer", { orderId: answer.orderId, operation: answer.operation, error });
  }
}

function asJson(body: unknown): Prisma.InputJsonValue {
  let text: string;
  try {
    // PostgreSQL's JSON cannot hold NUL; undefined becomes null.
    text = JSON.stringify(body ?? null).replaceAll("\\u0000", "");
  } catch {
    return { unreadable: String(body) };
  }
  if (text.length > MAX_BODY_CHARS) return { truncated: true, start: text.slice(0, MAX_BODY_CHARS) };
  return JSON.parse(text) as Prisma.InputJsonValue;
}
