/**
 * One admin form, one effect: a form whose action costs money or cannot be
 * undone upstream carries a request key made for its rendering, and the
 * first submit claims it. A second submit of the same rendering (a double
 * click, a resent request) finds the key taken and does nothing.
 */
import "server-only";
import { db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { OrderOutcomeUnknownError, ProviderNetworkError, ProviderResponseError, ProviderTimeoutError } from "../providers/errors";
import { MeisimServerError } from "../providers/meisim/errors";

export interface AdminRequestKey {
  /** The rendering's key; each action of the rendering claims it once. */
  key: string;
  action: string;
  actorId: string;
}

/** The provider may have acted on a request whose answer was lost, so its key stays claimed. */
function mayHaveActed(err: unknown): boolean {
  return (
    err instanceof ProviderTimeoutError ||
    err instanceof ProviderNetworkError ||
    err instanceof ProviderResponseError ||
    err instanceof MeisimServerError ||
    err instanceof OrderOutcomeUnknownError
  );
}

/**
 * Runs `work` unless the key was claimed before. A definite refusal (our
 * own check, or the provider saying no) frees the key, so the admin can fix
 * the cause and send the same form again.
 */
export async function onceForRequest<T>(
  request: AdminRequestKey,
  work: () => Promise<T>,
): Promise<{ first: true; value: T } | { first: false }> {
  const key = `${request.action}:${request.key}`;
  try {
    await db().adminRequest.create({ data: { ...request, key } });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return { first: false };
    throw err;
  }
  try {
    return { first: true, value: await work() };
  } catch (err) {
    if (!mayHaveActed(err)) await db().adminRequest.delete({ where: { key } });
    throw err;
  }
}
