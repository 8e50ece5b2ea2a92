/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` (or a query
 * string) whose keys carry nesting in brackets, e.g.
 * `line_items[0][price_data][unit_amount]=2500`, `metadata[order]=42`,
 * `expand[]=payment_intent`.
 */
import { StripeApiError } from "./errors";

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Turns flat `key[a][0][b]=v` pairs into nested objects and arrays. */
export function parseStripeForm(pairs: Iterable<[string, string]>): FormObject {
  const root: FormObject = {};
  for (const [key, value] of pairs) {
    const path = splitKey(key);
    let container: FormObject | FormValue[] = root;
    path.forEach((segment, i) => {
      const isLast = i === path.length - 1;
      const next = isLast ? value : childContainer(container, segment, path[i + 1]!, key);
      writeChild(container, segment, next);
      container = next as FormObject | FormValue[];
    });
  }
  return compactArrays(root) as FormObject;
}

function splitKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) throw invalidKey(key, "is not a valid parameter name");
  const nested = [...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
  return [match[1]!, ...nested];
}

function isArraySegment(segment: string): boolean {
  return segment === "" || /^\d+$/.test(segment);
}

/** Returns the existing container at `segment`, or a new one shaped for what follows it. */
function childContainer(container: FormObject | FormValue[], segment: string, following: string, key: string): FormObject | FormValue[] {
  const wantsArray = isArraySegment(following);
  // `a[]` appends, so `a[][b]` cannot know which element it continues.
  if (segment === "") throw invalidKey(key, "mixes `[]` with nested keys");
  const existing = readChild(container, segment);
  if (existing === undefined) return wantsArray ? [] : {};
  if (typeof existing === "string" || Array.isArray(existing) !== wantsArray) {
    throw invalidKey(key, "conflicts with another parameter of the same name");
  }
  return existing;
}

function readChild(container: FormObject | FormValue[], segment: string): FormValue | undefined {
  if (Array.isArray(container)) return segment === "" ? undefined : container[Number(segment)];
  return Object.hasOwn(container, segment) ? container[segment] : undefined;
}

function writeChild(container: FormObject | FormValue[], segment: string, value: FormValue): void {
  if (Array.isArray(container)) {
    if (segment === "") container.push(value);
    else container[Number(segment)] = value;
    return;
  }
  // defineProperty, not assignment, so a key named `__proto__` stays a plain field.
  Object.defineProperty(container, segment, { value, enumerable: true, writable: true, configurable: true });
}

/** `items[0]` and `items[5]` become a two-element array, as Stripe reads indices as order only. */
function compactArrays(value: FormValue): FormValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter(() => true).map(compactArrays);
  for (const [k, v] of Object.entries(value)) writeChild(value, k, compactArrays(v));
  return value;
}

function invalidKey(key: string, problem: string): StripeApiError {
  return StripeApiError.invalidRequest(`Invalid parameter \`${key}\`: it ${problem}.`, { param: key });
}
