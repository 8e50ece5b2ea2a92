/**
 * The emails sign-in sends. They name no account details: the account may
 * have been registered by someone other than the mailbox's owner, and
 * nothing that person typed (a name, say) should reach the owner's inbox.
 */
import { ActionButton, EmailLayout, FinePrint, Paragraph, TextLink } from "./layout";

export function SignInLinkEmail({ url }: { url: string }) {
  return (
    <EmailLayout
      preview="Your sign-in link, valid for 15 minutes."
      heading="Sign in to RoamSIM"
      footer={<FinePrint>If you did not ask for it, ignore this email.</FinePrint>}
    >
      <Paragraph>Sign in to the eSIM store with this link (valid for 15 minutes):</Paragraph>
      <ActionButton href={url}>Sign in</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={url}>{url}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}

export function ConfirmEmailAddressEmail({ url }: { url: string }) {
  return (
    <EmailLayout
      preview="Confirm your email address to finish signing up."
      heading="Confirm your email address"
      footer={
        <FinePrint>
          If you did not create this account, ignore this email: nobody can sign in to it with a password until the address is confirmed.
        </FinePrint>
      }
    >
      <Paragraph>
        An account at the eSIM store was created with this email address. Confirm the address with this link (valid for 24 hours), then sign
        in:
      </Paragraph>
      <ActionButton href={url}>Confirm my email address</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={url}>{url}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}
