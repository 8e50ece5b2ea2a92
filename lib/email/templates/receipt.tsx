import { ActionButton, DetailRows, EmailLayout, FinePrint, Paragraph } from "./layout";

export interface ReceiptEmailProps {
  kind: "payment" | "refund";
  otherOrderId: string;
  /** What was bought, e.g. "Japan 5 GB 30 days × 2". */
  item: string;
  /** Formatted, e.g. "$12.00". */
  amount: string;
  /** "Card" or "Wallet" for a payment; where the money went back for a refund. */
  method: string;
  /** When the money moved, as the customer reads it. */
  date: string;
  orderUrl: string;
}

/** A receipt for a payment on an order, or for a refund of (part of) one. */
/** A refund's reason is not shown: an admin writes it for the team, not for the customer. */
export function ReceiptEmail({ kind, otherOrderId, item, amount, method, date, orderUrl }: ReceiptEmailProps) {
  const payment = kind === "payment";
  return (
    <EmailLayout
      preview={payment ? `We received ${amount} for order ${otherOrderId}.` : `${amount} is on its way back to you.`}
      heading={payment ? "Payment receipt" : "Refund receipt"}
      footer={<FinePrint>Keep this email as your {payment ? "receipt" : "refund receipt"}.</FinePrint>}
    >
      <Paragraph>
        {payment ? `Thank you: we received your payment for order ${otherOrderId}.` : `We refunded ${amount} for order ${otherOrderId}.`}
      </Paragraph>
      <DetailRows
        rows={[
          ["Order", otherOrderId],
          ["Item", item],
          [payment ? "Amount paid" : "Amount refunded", amount],
          [payment ? "Paid with" : "Refunded to", method],
          ["Date", date],
        ]}
      />
      {!payment && method === "Card" && (
        <Paragraph>Card refunds usually reach your statement within 5 to 10 business days, depending on your bank.</Paragraph>
      )}
      <ActionButton href={orderUrl}>See your order</ActionButton>
    </EmailLayout>
  );
}
