/**
 * Reads the parsed form parameters of the endpoints the fake serves, with
 * Stripe's error codes and `param` paths, so a call the real API would refuse
 * is refused here too.
 */
import { StripeApiError } from "./errors";
import type { FormObject, FormValue } from "./form";
import { isSupportedCurrency } from "./money";
import { unixNow } from "./objects";
import type { CreateSessionInput, LineItemInput, RefundInput } from "./simulation";

const REFUND_REASONS = ["duplicate", "fraudulent", "requested_by_customer"] as const;
/** Stripe's bounds on a custom `expires_at`: from 30 minutes to 24 hours ahead. */
const EXPIRES_AT_MIN_S = 30 * 60;
const EXPIRES_AT_MAX_S = 24 * 60 * 60;

export function readCreateSession(params: FormObject): CreateSessionInput {
  const mode = requiredString(params, "mode");
  if (mode !== "payment") {
    throw StripeApiError.invalidParam("mode", `The fake Stripe supports only mode=payment, not '${mode}'.`);
  }
  const paymentIntentData = optionalObject(params, "payment_intent_data");
  return {
    lineItems: readLineItems(params),
    successUrl: requiredString(params, "success_url"),
    cancelUrl: optionalString(params, "cancel_url") ?? null,
    clientReferenceId: optionalString(params, "client_reference_id") ?? null,
    customerEmail: optionalString(params, "customer_email") ?? null,
    metadata: readMetadata(params, "metadata"),
    paymentIntentData: {
      metadata: readMetadata(paymentIntentData, "metadata", "payment_intent_data[metadata]"),
      description: optionalString(paymentIntentData, "description", "payment_intent_data[description]") ?? null,
    },
    expiresAt: readExpiresAt(params),
  };
}

export function readCreateRefund(params: FormObject): RefundInput {
  const reason = optionalString(params, "reason");
  if (reason !== undefined && !(REFUND_REASONS as readonly string[]).includes(reason)) {
    throw StripeApiError.invalidParam("reason", `Invalid reason: must be one of ${REFUND_REASONS.join(", ")}`);
  }
  return {
    paymentIntent: optionalString(params, "payment_intent") ?? null,
    charge: optionalString(params, "charge") ?? null,
    amount: optionalInteger(params, "amount", 1) ?? null,
    reason: reason ?? null,
    metadata: readMetadata(params, "metadata"),
  };
}

/** `expand[]` paths, given in the query of a GET or the body of a POST. */
export function readExpand(params: FormObject): string[] {
  const expand = params.expand;
  if (expand === undefined) return [];
  if (!Array.isArray(expand) || !expand.every((p) => typeof p === "string")) {
    throw StripeApiError.invalidParam("expand", "Invalid array", "parameter_invalid_array");
  }
  return expand as string[];
}

function readLineItems(params: FormObject): LineItemInput[] {
  const items = params.line_items;
  if (items === undefined) throw StripeApiError.missingParam("line_items");
  if (!Array.isArray(items) || items.length === 0) {
    throw StripeApiError.invalidParam("line_items", "Invalid array", "parameter_invalid_array");
  }
  const parsed = items.map((item, i) => readLineItem(item, `line_items[${i}]`));
  const currencies = new Set(parsed.map((item) => item.currency));
  if (currencies.size > 1) {
    throw StripeApiError.invalidParam("line_items", "All line items must use the same currency.");
  }
  return parsed;
}

function readLineItem(item: FormValue, path: string): LineItemInput {
  const fields = asObject(item, path);
  if (fields.price !== undefined) {
    throw StripeApiError.invalidParam(`${path}[price]`, "The fake Stripe supports only `price_data`, not stored prices.");
  }
  const priceData = fields.price_data;
  if (priceData === undefined) throw StripeApiError.missingParam(`${path}[price_data]`);
  const price = asObject(priceData, `${path}[price_data]`);
  const product = price.product_data;
  if (product === undefined) throw StripeApiError.missingParam(`${path}[price_data][product_data]`);
  const currency = requiredString(price, "currency", `${path}[price_data][currency]`).toLowerCase();
  if (!isSupportedCurrency(currency)) {
    throw StripeApiError.invalidParam(`${path}[price_data][currency]`, `Invalid currency: ${currency}.`);
  }
  const unitAmount = optionalInteger(price, "unit_amount", 0, `${path}[price_data][unit_amount]`);
  if (unitAmount === undefined) throw StripeApiError.missingParam(`${path}[price_data][unit_amount]`);
  const quantity = optionalInteger(fields, "quantity", 1, `${path}[quantity]`);
  if (quantity === undefined) throw StripeApiError.missingParam(`${path}[quantity]`);
  return {
    name: requiredString(asObject(product, `${path}[price_data][product_data]`), "name", `${path}[price_data][product_data][name]`),
    currency,
    unitAmount,
    quantity,
  };
}

function readExpiresAt(params: FormObject): number | null {
  const expiresAt = optionalInteger(params, "expires_at", 0);
  if (expiresAt === undefined) return null;
  const ahead = expiresAt - unixNow();
  if (ahead < EXPIRES_AT_MIN_S || ahead > EXPIRES_AT_MAX_S) {
    throw StripeApiError.invalidParam(
      "expires_at",
      "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
      "parameter_invalid_integer",
    );
  }
  return expiresAt;
}

function readMetadata(params: FormObject, name: string, path = name): Record<string, string> {
  const metadata = params[name];
  if (metadata === undefined || metadata === "") return {};
  const fields = asObject(metadata, path);
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== "string") throw StripeApiError.invalidParam(`${path}[${key}]`, "Invalid string");
  }
  return { ...(fields as Record<string, string>) };
}

function asObject(value: FormValue, path: string): FormObject {
  if (typeof value === "string" || Array.isArray(value)) {
    throw StripeApiError.invalidParam(path, "Invalid object", "parameter_invalid_object");
  }
  return value;
}

function optionalObject(params: FormObject, name: string): FormObject {
  const value = params[name];
  return value === undefined ? {} : asObject(value, name);
}

/** Stripe reads an empty string as "not given". */
function optionalString(params: FormObject, name: string, path = name): string | undefined {
  const value = params[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw StripeApiError.invalidParam(path, "Invalid string");
  return value;
}

function requiredString(params: FormObject, name: string, path = name): string {
  const value = optionalString(params, name, path);
  if (value === undefined) throw StripeApiError.missingParam(path);
  return value;
}

function optionalInteger(params: FormObject, name: string, min: number, path = name): number | undefined {
  const text = optionalString(params, name, path);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    const message = min > 0 ? `Invalid positive integer` : `Invalid integer: ${text}`;
    throw StripeApiError.invalidParam(path, message, "parameter_invalid_integer");
  }
  return value;
}
