/**
 * Checks for text that arrives in a request (path segments, search
 * parameters, form fields) before it reaches the database or a header.
 * PostgreSQL cannot store NUL in text and fails the whole query on it, a
 * control character in a redirect's Location header makes Node throw, and an
 * unpaired surrogate cannot be encoded as UTF-8: each of those used to answer
 * 500. None of our fields legitimately holds them, so they are refused with
 * a message, like any other invalid value.
 */
import { z } from "zod";

/** C0 controls and DEL; a multi-line field may also hold tab, line feed and carriage return. */
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F]/;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** True when the text can be stored and shown as it is: well-formed Unicode without control characters. */
export function isCleanText(value: string, { multiline = false }: { multiline?: boolean } = {}): boolean {
  return value.isWellFormed() && !(multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).test(value);
}

/** A free-text form field: trimmed, between `min` and `max` characters, clean (see isCleanText). */
export function textField({
  min = 0,
  max,
  multiline = false,
  label = "This field",
}: {
  min?: number;
  max: number;
  multiline?: boolean;
  label?: string;
}) {
  return z
    .string({ error: `${label} is missing.` })
    .trim()
    .refine((value) => isCleanText(value, { multiline }), { error: `${label} contains characters we can’t accept.`, abort: true })
    .min(min, { error: min === 1 ? `${label} is required.` : `${label} needs at least ${min} characters.` })
    .max(max, { error: `${label} can be at most ${max} characters.` });
}

/**
 * Our record identifiers: cuids, order references (RS20261130-…), ICCIDs,
 * destination slugs. Anything else cannot name a record, so it is refused
 * before a query is made.
 */
export const RecordId = z
  .string({ error: "This form is missing a reference. Reload the page and try again." })
  .trim()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: "This form’s reference is not valid. Reload the page and try again." });

/** A path segment or query value naming a record, or null when it cannot be one (the page answers 404). */
export function recordIdFrom(value: unknown): string | null {
  const parsed = RecordId.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The longest search a list page runs; longer input is cut, not refused. */
export const SEARCH_MAX_LENGTH = 100;

export type SearchInput = { query?: string; error?: string };

/**
 * A list page's `?q=`: trimmed and cut to SEARCH_MAX_LENGTH. A repeated
 * parameter uses its first value; text with control characters is not
 * searched for, and `error` says why.
 */
export function searchFrom(value: string | string[] | undefined): SearchInput {
  const query = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!query) return {};
  if (!isCleanText(query)) return { error: "Search terms can’t contain control characters. Showing everything instead." };
  // Cut by code point, so an emoji at the limit is not split into half a surrogate pair.
  return { query: Array.from(query).slice(0, SEARCH_MAX_LENGTH).join("") };
}

/**
 * Whether every percent-escape in a request path decodes to UTF-8 without a
 * NUL. Next.js answers 500 when it cannot decode a dynamic segment
 * (`/orders/%ff`), so the proxy refuses such paths with 400 first.
 */
export function isDecodablePath(pathname: string): boolean {
  try {
    return !decodeURIComponent(pathname).includes("\u0000");
  } catch {
    return false;
  }
}
