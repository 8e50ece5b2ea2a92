/**
 * Sent when a provider emails the activation itself (MeiSIM dealer products,
 * POST /dealer/order): we have no QR code or install details to give, so
 * this says where they come from and which provider order to quote.
 */
import { ActionButton, EmailLayout, FinePrint, Paragraph, TextLink } from "./layout";

export function ProviderActivationEmail({
  otherOrderId,
  planName,
  providerName,
  providerShortRef,
  orderUrl,
}: {
  otherOrderId: string;
  planName: string;
  providerName: string;
  providerShortRef: string | null;
  orderUrl: string;
}) {
  return (
    <EmailLayout
      preview={`${planName} is ordered; ${providerName} emails you the activation.`}
      heading="Your plan is ordered"
      footer={<FinePrint>Order {otherOrderId}.</FinePrint>}
    >
      <Paragraph>
        {planName} is ordered with {providerName}
        {providerShortRef ? `, order ${providerShortRef}` : ""}. {providerName} sends the activation to this email address in a separate
        email: follow it to activate the plan. Quote {providerShortRef ? `order ${providerShortRef}` : "our order number"} if you need help.
      </Paragraph>
      <ActionButton href={orderUrl}>See your order</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={orderUrl}>{orderUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}
