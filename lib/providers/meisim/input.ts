import { MeisimInputError } from "./errors";

/**
 * Checks for request fields the documentation constrains, so a bad request
 * fails here with the field's name instead of costing a call (or a charge).
 */

export function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new MeisimInputError(field, message);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string | undefined, field: string): void {
  if (value !== undefined) check(EMAIL.test(value), field, `"${value}" is not an email address`);
}

export function checkNonEmpty(value: string | undefined, field: string): void {
  check(typeof value === "string" && value.trim().length > 0, field, "is required");
}

export function checkIntegerRange(value: number, field: string, min: number, max: number): void {
  check(Number.isInteger(value) && value >= min && value <= max, field, `must be a whole number from ${min} to ${max}, got ${value}`);
}

/** Integer minor units (cents) to the decimal major units MeiSIM's JSON carries. */
export function toMajorUnits(amountMinor: number, field: string): number {
  check(Number.isSafeInteger(amountMinor), field, `must be integer minor units, got ${amountMinor}`);
  return amountMinor / 100;
}

/** Full LPA activation string: "LPA:1$<smdp>$<code>". */
export const LPA_PATTERN = /^LPA:1\$[^$\s]+\$[^$\s]+/;

export function checkLpa(value: string, field: string): void {
  check(LPA_PATTERN.test(value), field, `"${value.slice(0, 60)}" is not an LPA string (LPA:1$<smdp>$<code>)`);
}

export function checkIccid(value: string, field: string): void {
  check(/^\d{18,22}F?$/.test(value), field, `"${value}" is not an ICCID (18–22 digits)`);
}
