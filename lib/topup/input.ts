/**
 * What a customer types for a mobile top-up, read as MeiSIM's top-up
 * document wants it: a phone number in international format
 * ("+447700900000") or a SIM serial number (an ICCID, "894400…"), one of
 * the two; a face value in whole units of the network's currency (the
 * document's example sends `topUpValue: 20`). Pure, so the form checks what
 * the server checks.
 */

export type TargetKind = "phone" | "serial";

export type TopupTargetInput =
  { contactNumber: string; simSerialNumber?: undefined } | { simSerialNumber: string; contactNumber?: undefined };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A phone number as E.164: spaces, dots, dashes and brackets dropped, a
 * leading 00 read as +. The country code must be there: a local number is
 * ambiguous across networks.
 */
export function parsePhoneNumber(text: string): Parsed<string> {
  const compact = text.trim().replace(/[\s().-]/g, "");
  if (compact === "") return { ok: false, error: "Enter the phone number to top up." };
  const international = compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
  if (!/^\+[1-9]\d{6,14}$/.test(international))
    return { ok: false, error: "Enter the number in international format, with the country code, e.g. +44 7700 900000." };
  return { ok: true, value: international };
}

/** A SIM serial (ICCID): 18 to 22 digits starting 89, optionally ending in F, as printed on the SIM card; spaces dropped. */
export function parseSimSerial(text: string): Parsed<string> {
  const compact = text.trim().replace(/[\s-]/g, "").toUpperCase();
  if (compact === "") return { ok: false, error: "Enter the SIM serial number (ICCID) printed on the SIM card." };
  if (!/^89\d{16,20}F?$/.test(compact)) return { ok: false, error: "A SIM serial number (ICCID) has 18 to 22 digits and starts with 89." };
  return { ok: true, value: compact };
}

export function parseTarget(kind: TargetKind, text: string): Parsed<TopupTargetInput> {
  if (kind === "phone") {
    const phone = parsePhoneNumber(text);
    return phone.ok ? { ok: true, value: { contactNumber: phone.value } } : phone;
  }
  const serial = parseSimSerial(text);
  return serial.ok ? { ok: true, value: { simSerialNumber: serial.value } } : serial;
}

/** The face value a network accepts, in whole units of its currency. */
export interface FaceValueLimits {
  currency: string;
  /** Whole units. */
  min: number;
  max: number;
}

const fractionDigits = (currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** Minor units per whole unit of a currency (100 for GBP, 1 for JPY). */
export function minorPerUnit(currency: string): number {
  return 10 ** fractionDigits(currency);
}

/** Reads a face value typed as whole units ("20") into minor units of the network's currency. */
export function parseFaceValue(text: string, limits: FaceValueLimits): Parsed<number> {
  const range = `between ${limits.min} and ${limits.max} ${limits.currency}`;
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: `Enter an amount ${range}.` };
  if (!/^\d{1,7}$/.test(trimmed)) return { ok: false, error: `Enter a whole amount ${range}, e.g. ${limits.min}.` };
  const units = Number(trimmed);
  if (units < limits.min || units > limits.max) return { ok: false, error: `Top-ups on this network are ${range}.` };
  return { ok: true, value: units * minorPerUnit(limits.currency) };
}
