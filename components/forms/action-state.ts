import { z } from "zod";

/** What a payment form's server action answers: an error to show, per-field errors, and what was typed, so nothing is lost. */
export type ActionState = {
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  success?: string;
  /** The action needs the admin's password again first (lib/auth/step-up.ts); nothing was changed. */
  stepUp?: true;
} | null;

/** A server action as a form sees it; pages pass theirs in, so components never import app/. */
export type FormAction = (state: ActionState, form: FormData) => Promise<ActionState>;

/** A field's name with what was typed in it and its error, from the action's last answer: spread into a Field. */
export function typedField(state: ActionState, name: string): { name: string; defaultValue?: string; error?: string } {
  return { name, defaultValue: state?.values?.[name], error: state?.fieldErrors?.[name] };
}

/** The first message for each field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const byField: Record<string, string[] | undefined> = z.flattenError(error).fieldErrors;
  return Object.fromEntries(Object.entries(byField).flatMap(([field, messages]) => (messages?.[0] ? [[field, messages[0]]] : [])));
}
