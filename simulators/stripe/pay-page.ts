/**
 * The hosted checkout page a session's `url` points at. Plain HTML forms, so
 * a browser test (or a person) can pay, decline or cancel without scripts.
 */
import type { SimResponse, SimServer } from "../shared/server";
import { StripeApiError } from "./errors";
import { formatAmount } from "./money";
import { closedReason, type StripeSimulation } from "./simulation";
import type { SessionRecord } from "./state";

const DECLINED = "Your card was declined.";

export function registerPayPage(sim: SimServer, stripe: StripeSimulation): void {
  sim.route("GET", "/pay/:id", (req) => withSession(stripe, req.params.id!, (record) => page(record)));

  sim.route("POST", "/pay/:id", (req) =>
    withSession(stripe, req.params.id!, async (record) => {
      const { session } = record;
      const closed = closedReason(session);
      if (closed) return page(record, { status: 409, alert: closed });
      switch (req.body.action) {
        case "pay": {
          // Waits for the webhook's first attempt, so the app usually knows of the payment before the customer lands.
          await stripe.pay(session.id, "wait");
          return redirect(session.success_url!.replaceAll("{CHECKOUT_SESSION_ID}", session.id));
        }
        case "decline":
          return page(record, { status: 402, alert: DECLINED });
        case "cancel":
          if (session.cancel_url) return redirect(session.cancel_url);
          return page(record, { status: 400, alert: "This Checkout Session has no cancel URL." });
        default:
          return page(record, { status: 400, alert: "Choose Pay, Decline or Cancel." });
      }
    }),
  );
}

async function withSession(
  stripe: StripeSimulation,
  id: string,
  render: (record: SessionRecord) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  let record: SessionRecord;
  try {
    record = stripe.sessionRecord(id);
  } catch (err) {
    if (!(err instanceof StripeApiError)) throw err;
    return html(404, document("Checkout not found", `<p role="alert">${escapeHtml(err.message)}</p>`));
  }
  return render(record);
}

function page(record: SessionRecord, { status = 200, alert }: { status?: number; alert?: string } = {}): SimResponse {
  const { session, lineItems } = record;
  const currency = session.currency ?? "usd";
  const total = formatAmount(session.amount_total ?? 0, currency);
  const notice = alert ?? closedReason(session);
  const rows = lineItems
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.description ?? "")}</td><td>${item.quantity}</td><td>${formatAmount(item.amount_total, currency)}</td></tr>`,
    )
    .join("");
  const buttons = closedReason(session)
    ? ""
    : `<form method="post">
        <button type="submit" name="action" value="pay">Pay</button>
        <button type="submit" name="action" value="decline">Decline</button>
        ${session.cancel_url ? `<button type="submit" name="action" value="cancel">Cancel</button>` : ""}
      </form>`;
  const body = `
    <p class="badge">Test mode: no real card is charged.</p>
    <h1>Pay ${total}</h1>
    ${notice ? `<p role="alert" class="alert">${escapeHtml(notice)}</p>` : ""}
    <table>
      <caption>Order summary</caption>
      <thead><tr><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Amount</th></tr></thead>
      <tbody>${rows}</tbody>
      <tfoot><tr><th scope="row" colspan="2">Total</th><td>${total}</td></tr></tfoot>
    </table>
    ${session.customer_email ? `<p>Receipt to <strong>${escapeHtml(session.customer_email)}</strong></p>` : ""}
    ${buttons}`;
  return html(status, document(`Pay ${total} · Fake Stripe Checkout`, body));
}

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #f6f8fa; margin: 0; }
    main { max-width: 32rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 8px; }
    .badge { display: inline-block; padding: 0 .5rem; background: #ffe8b3; color: #5c3b00; border-radius: 4px; }
    .alert { padding: .75rem; background: #fdecea; color: #7a1010; border-radius: 4px; }
    table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
    caption { text-align: left; font-weight: 600; }
    th, td { text-align: left; padding: .25rem 0; }
    td:last-child { text-align: right; }
    button { font: inherit; padding: .5rem 1rem; margin-right: .5rem; border-radius: 4px; border: 1px solid #555; }
    button[value="pay"] { background: #0a2540; color: #fff; }
    button:focus-visible { outline: 3px solid #635bff; outline-offset: 2px; }
  </style>
</head>
<body><main>${body}</main></body>
</html>`;
}

function html(status: number, body: string): SimResponse {
  return { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body };
}

function redirect(location: string): SimResponse {
  return { status: 303, headers: { location }, body: "" };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
