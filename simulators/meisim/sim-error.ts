/** A refusal the simulator answers with MeiSIM's JSON error shape. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    return { error: this.error, message: this.message, ...this.extra };
  }
}

/** Cents to the decimal dollars MeiSIM's JSON carries. */
export const usd = (cents: number) => Math.round(cents) / 100;

export const badRequest = (message: string) => new SimError(400, "Invalid request", message);
export const unauthorized = (message: string) => new SimError(401, "Unauthorized", message);
export const forbidden = (message: string) => new SimError(403, "Forbidden", message);
export const notFound = (message: string) => new SimError(404, "Not found", message);
export const insufficientFunds = (balanceCents: number, requiredCents: number) =>
  new SimError(
    402,
    "INSUFFICIENT_FUNDS",
    `Wallet balance $${usd(balanceCents).toFixed(2)} is below the required $${usd(requiredCents).toFixed(2)}`,
    {
      balance: usd(balanceCents),
      required: usd(requiredCents),
    },
  );

// ── Request fields, refused with 400 the way MeiSIM words it ────────────

type Body = Record<string, unknown>;

export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`${name} must be a string`);
  return value;
}

export function requiredString(body: Body, name: string): string {
  const value = optionalString(body, name);
  if (!value?.trim()) throw badRequest(`${name} is required`);
  return value;
}

export function optionalNumber(body: Body, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) throw badRequest(`${name} must be a number`);
  return number;
}

export function requiredEmail(body: Body, name: string): string {
  const value = requiredString(body, name);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw badRequest(`${name} is not a valid email address`);
  return value;
}

export function optionalEmail(body: Body, name: string): string | undefined {
  return body[name] === undefined || body[name] === null ? undefined : requiredEmail(body, name);
}

/** Decimal dollars from a request to whole cents. */
export const toCents = (dollars: number) => Math.round(dollars * 100);
