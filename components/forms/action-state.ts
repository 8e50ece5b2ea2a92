import { z } from "zod";

/** What a payment form's server action answers: an error to show, per-field errors, and what was typed, so nothing is lost. */
export type ActionState = {
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  success?: string;
} | null;

/** A server action as a form sees it; pages pass theirs in, so components never import app/. */
export type FormAction = (state: ActionState, form: FormData) => Promise<ActionState>;

/** The first message for each field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const byField: Record<string, string[] | undefined> = z.flattenError(error).fieldErrors;
  return Object.fromEntries(Object.entries(byField).flatMap(([field, messages]) => (messages?.[0] ? [[field, messages[0]]] : [])));
}
