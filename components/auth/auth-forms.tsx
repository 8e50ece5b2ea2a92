"use client";

import { useActionState } from "react";
import { typedField, type ActionState, type FormAction } from "@/components/forms/action-state";
import { Alert, Button, Field } from "@/components/ui";

/** The password form's answer; `unconfirmedEmail` asks the form to offer a new confirmation link. */
export type PasswordSignInState = (NonNullable<ActionState> & { unconfirmedEmail?: string }) | null;

function SubmitRow({ pending, label }: { pending: boolean; label: string }) {
  return (
    <Button type="submit" disabled={pending} className="w-full">
      {pending ? "Please wait…" : label}
    </Button>
  );
}

export function PasswordSignInForm({
  callbackUrl,
  email,
  action: signIn,
  resendAction,
}: {
  callbackUrl: string;
  email?: string;
  action: (state: PasswordSignInState, form: FormData) => Promise<PasswordSignInState>;
  resendAction: FormAction;
}) {
  const [state, action, pending] = useActionState(signIn, null);
  return (
    <div className="space-y-4">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      {state?.unconfirmedEmail && <ResendConfirmationForm email={state.unconfirmedEmail} callbackUrl={callbackUrl} action={resendAction} />}
      <form action={action} className="space-y-4" aria-label="Sign in with password">
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state?.values?.email ?? email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <SubmitRow pending={pending} label="Sign in" />
      </form>
    </div>
  );
}

/** Sends `email` a new confirmation link. */
export function ResendConfirmationForm({ email, callbackUrl, action: resend }: { email: string; callbackUrl: string; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(resend, null);
  return (
    <form action={action} className="space-y-3" aria-label="Send the confirmation link again">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      {state?.success && <Alert tone="success">{state.success}</Alert>}
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Button type="submit" variant="secondary" disabled={pending} className="w-full">
        {pending ? "Sending…" : "Send the confirmation link again"}
      </Button>
    </form>
  );
}

export function EmailLinkForm({ callbackUrl, action: sendLink }: { callbackUrl: string; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(sendLink, null);
  return (
    <form action={action} className="space-y-4" aria-label="Sign in with an email link">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field {...typedField(state, "email")} label="Email for a sign-in link" type="email" autoComplete="email" required />
      <Button type="submit" variant="secondary" disabled={pending} className="w-full">
        {pending ? "Sending…" : "Email me a sign-in link"}
      </Button>
    </form>
  );
}

export function SignUpForm({ callbackUrl, action: signUp }: { callbackUrl: string; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(signUp, null);
  return (
    <form action={action} className="space-y-4" aria-label="Create account" noValidate>
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field {...typedField(state, "name")} label="Name" autoComplete="name" required />
      <Field {...typedField(state, "email")} label="Email" type="email" autoComplete="email" required />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={state?.fieldErrors?.password}
      />
      <SubmitRow pending={pending} label="Create account" />
    </form>
  );
}

/** Asks for a password-reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordForm({ action: askForLink }: { action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(askForLink, null);
  return (
    <form action={action} className="space-y-4" aria-label="Ask for a password reset link">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      {state?.success && <Alert tone="success">{state.success}</Alert>}
      <Field {...typedField(state, "email")} label="Email" type="email" autoComplete="email" required />
      <SubmitRow pending={pending} label="Email me a reset link" />
    </form>
  );
}

/** A new password, from the page an emailed reset link opens. */
export function ResetPasswordForm({ email, token, action: reset }: { email: string; token: string; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(reset, null);
  return (
    <form action={action} className="space-y-4" aria-label="Choose a new password">
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="token" value={token} />
      <NewPasswordField state={state} />
      <SubmitRow pending={pending} label="Set the new password" />
    </form>
  );
}

function NewPasswordField({ state }: { state: ActionState }) {
  return (
    <Field
      label="New password"
      name="password"
      type="password"
      autoComplete="new-password"
      required
      hint="At least 10 characters."
      error={state?.fieldErrors?.password}
    />
  );
}

/**
 * The account page's password form: a change asks for the current password;
 * an account without one (made by an email link, or a guest's) sets its first.
 */
export function AccountPasswordForm({ hasPassword, action: save }: { hasPassword: boolean; action: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(save, null);
  return (
    <form action={action} className="space-y-4" aria-label={hasPassword ? "Change your password" : "Set a password"}>
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      {state?.success && <Alert tone="success">{state.success}</Alert>}
      {hasPassword && (
        <Field
          label="Current password"
          name="current"
          type="password"
          autoComplete="current-password"
          required
          error={state?.fieldErrors?.current}
        />
      )}
      <NewPasswordField state={state} />
      <SubmitRow pending={pending} label={hasPassword ? "Change password" : "Set password"} />
    </form>
  );
}
