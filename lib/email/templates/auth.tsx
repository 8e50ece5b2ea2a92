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

/** To an address that already has an account, when someone signs up with it: nothing was changed. */
export function SignUpAttemptEmail({ signInUrl, resetUrl }: { signInUrl: string; resetUrl: string }) {
  return (
    <EmailLayout
      preview="Someone tried to create an account with your email address."
      heading="Someone tried to register with your address"
      footer={
        <FinePrint>If it was not you, ignore this email: nothing about your account was changed, and nobody was signed in.</FinePrint>
      }
    >
      <Paragraph>
        Someone tried to create an account at the eSIM store with this email address, which already has an account (perhaps from an order
        you placed as a guest). Nothing was changed. If it was you, sign in:
      </Paragraph>
      <ActionButton href={signInUrl}>Sign in</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={signInUrl}>{signInUrl}</TextLink>
      </Paragraph>
      <Paragraph>
        Forgot your password, or never set one? Choose a new one here: <TextLink href={resetUrl}>{resetUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}

export function PasswordResetEmail({ url }: { url: string }) {
  return (
    <EmailLayout
      preview="Choose a new password, with a link valid for 30 minutes."
      heading="Choose a new password"
      footer={<FinePrint>If you did not ask for it, ignore this email: your password stays as it is.</FinePrint>}
    >
      <Paragraph>
        Someone asked to reset the password of your account at the eSIM store. Choose a new one with this link (it works once, for 30
        minutes):
      </Paragraph>
      <ActionButton href={url}>Choose a new password</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={url}>{url}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}

/** After a password was set, changed or reset: the owner learns of it even when someone else did it. */
export function PasswordChangedEmail({ resetUrl }: { resetUrl: string }) {
  return (
    <EmailLayout preview="The password of your account was changed." heading="Your password was changed">
      <Paragraph>
        The password of your account at the eSIM store was just set or changed, and every other session of the account was signed out.
      </Paragraph>
      <Paragraph>
        If you did not do this, choose a new password at once: <TextLink href={resetUrl}>{resetUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}
