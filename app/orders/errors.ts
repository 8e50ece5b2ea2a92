/**
 * What a customer is told when an order step fails: a code in the redirect
 * or the action's answer, one plain sentence per code. Provider and payment
 * details never reach these messages; they go to the log and to the admin's
 * order desk.
 */
export const ORDER_ERRORS = {
  plan_unavailable: "That plan is no longer available. Please choose another one.",
  quantity_invalid: "Choose a quantity this plan allows.",
  renewal_unavailable: "That plan could not be started. Please pick another.",
  form_invalid: "This form is missing its order. Reload the page and try again.",
  order_not_found: "We couldn’t find that order.",
} as const;

export type OrderErrorCode = keyof typeof ORDER_ERRORS;

/** The page to go back to, with the failure's code for that page to show. */
export function withOrderError(path: string, code: OrderErrorCode): string {
  const url = new URL(path, "http://store.invalid");
  url.searchParams.set("error", code);
  return `${url.pathname}${url.search}`;
}

/** The message for an `?error=` code, or null for anything that is not one of ours. */
export function orderErrorMessage(code: string | string[] | undefined): string | null {
  return typeof code === "string" && Object.hasOwn(ORDER_ERRORS, code) ? ORDER_ERRORS[code as OrderErrorCode] : null;
}
