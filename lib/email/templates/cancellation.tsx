import { ActionButton, EmailLayout, FinePrint, Paragraph, TextLink } from "./layout";

/** The provider confirmed a cancellation the customer asked for; the refund follows (and has its own receipt). */
export function CancellationEmail({
  otherOrderId,
  planName,
  refundTo,
  orderUrl,
}: {
  otherOrderId: string;
  planName: string;
  refundTo: "wallet" | "card";
  orderUrl: string;
}) {
  return (
    <EmailLayout
      preview={`The network confirmed the cancellation of ${planName}.`}
      heading="Your eSIM was cancelled"
      footer={<FinePrint>Order {otherOrderId}.</FinePrint>}
    >
      <Paragraph>The network confirmed the cancellation of {planName}.</Paragraph>
      <Paragraph>Your refund goes back to your {refundTo}; your order page shows where it stands:</Paragraph>
      <ActionButton href={orderUrl}>See your order</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={orderUrl}>{orderUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}
