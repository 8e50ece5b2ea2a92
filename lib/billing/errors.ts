/** A payment request refused for a reason the customer or admin can act on; the message is safe to show them. */
export class BillingError extends Error {
  constructor(
    readonly code:
      | "order_not_found"
      | "order_not_payable"
      | "order_not_refundable"
      | "payment_in_progress"
      | "insufficient_funds"
      | "invalid_amount",
    message: string,
  ) {
    super(message);
    this.name = "BillingError";
  }
}
