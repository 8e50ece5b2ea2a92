import { typedField, type ActionState } from "@/components/forms/action-state";
import { Field } from "@/components/ui";

/**
 * What a MeiSIM dealer product needs at checkout (lib/orders/activation-details.ts):
 * a name, or for a US prepaid plan the phone's IMEI and EID and a US address.
 * Typed values come back with the errors, so nothing is lost on a refusal.
 */
export function ActivationFields({ usPrepaid, state }: { usPrepaid: boolean; state: ActionState }) {
  const field = (name: string) => typedField(state, name);
  if (!usPrepaid) {
    return (
      <Field label="Full name" autoComplete="name" required {...field("customerName")} hint="MeiSIM sends the activation in this name." />
    );
  }
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold">US prepaid activation</legend>
      <p className="text-xs text-slate-600">The carrier activates the plan for this phone. Dial *#06# on it to see its IMEI and EID.</p>
      <Field label="IMEI (15 digits)" inputMode="numeric" autoComplete="off" required {...field("imei")} />
      <Field label="EID (32 characters)" autoComplete="off" required {...field("eid")} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="First name" autoComplete="given-name" required {...field("firstName")} />
        <Field label="Last name" autoComplete="family-name" required {...field("lastName")} />
      </div>
      <Field label="Street address" autoComplete="address-line1" required {...field("addressLine1")} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="City" autoComplete="address-level2" required {...field("city")} />
        <Field label="State (2 letters)" autoComplete="address-level1" maxLength={2} required {...field("state")} />
        <Field label="ZIP code" autoComplete="postal-code" inputMode="numeric" required {...field("zipCode")} />
      </div>
      <Field label="Phone (+1…)" type="tel" autoComplete="tel" required placeholder="+15555550100" {...field("phone")} />
    </fieldset>
  );
}
