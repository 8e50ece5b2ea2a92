"use client";

import { useActionState, useState } from "react";
import type { ActionState, FormAction } from "@/components/forms/action-state";
import { Alert, Button, Field, inputClass } from "@/components/ui";
import type { TargetKind } from "@/lib/topup/input";

export interface NetworkChoice {
  name: string;
  country: string | null;
  currency: string;
  min: number;
  max: number;
}

/**
 * Network, the SIM (by phone number or SIM serial), the amount in the
 * network's currency, and an email for guests. The server checks the SIM
 * with the network before showing a price; nothing is charged by this form.
 */
export function TopupForm({
  networks,
  guest,
  action: startTopup,
}: {
  networks: NetworkChoice[];
  /** Not signed in: an email for the receipt is needed. */
  guest: boolean;
  action: FormAction;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(startTopup, null);
  const [networkName, setNetworkName] = useState(state?.values?.networkName ?? networks[0]?.name ?? "");
  const [kind, setKind] = useState<TargetKind>(state?.values?.targetKind === "serial" ? "serial" : "phone");
  const network = networks.find((n) => n.name === networkName);
  const errors = state?.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-5" aria-label="Mobile top-up" noValidate>
      {state?.error && <Alert tone="error">{state.error}</Alert>}
      <div className="space-y-1">
        <label htmlFor="topup-network" className="block text-sm font-medium text-slate-800">
          Mobile network
        </label>
        <select
          id="topup-network"
          name="networkName"
          className={`${inputClass} min-h-11`}
          value={networkName}
          onChange={(e) => setNetworkName(e.target.value)}
          aria-invalid={errors.networkName ? true : undefined}
          aria-describedby={errors.networkName ? "topup-network-error" : undefined}
          required
        >
          {networks.map((n) => (
            <option key={n.name} value={n.name}>
              {n.name}
              {n.country ? ` (${n.country})` : ""}
            </option>
          ))}
        </select>
        {errors.networkName && (
          <p id="topup-network-error" className="text-xs text-red-600">
            {errors.networkName}
          </p>
        )}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Which SIM?</legend>
        <div className="flex flex-wrap gap-4">
          {(
            [
              ["phone", "Phone number"],
              ["serial", "SIM serial number (ICCID)"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="flex min-h-11 items-center gap-2 text-sm">
              <input
                type="radio"
                name="targetKind"
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
                className="h-5 w-5"
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        key={kind}
        label={kind === "phone" ? "Phone number, with country code" : "SIM serial number"}
        name="target"
        type={kind === "phone" ? "tel" : "text"}
        inputMode={kind === "phone" ? "tel" : "numeric"}
        autoComplete={kind === "phone" ? "tel" : "off"}
        required
        defaultValue={state?.values?.targetKind === kind ? state.values.target : ""}
        hint={kind === "phone" ? "For example +44 7700 900000." : "18 to 22 digits starting 89, printed on the SIM card."}
        error={errors.target}
      />
      <Field
        label={`Amount${network ? ` (${network.currency})` : ""}`}
        name="faceValue"
        inputMode="numeric"
        autoComplete="off"
        required
        defaultValue={state?.values?.faceValue ?? ""}
        hint={
          network
            ? `A whole amount from ${network.min} to ${network.max} ${network.currency}. You’ll see the price before paying.`
            : undefined
        }
        error={errors.faceValue}
      />
      {guest && (
        <Field
          label="Email for the receipt"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state?.values?.email ?? ""}
          error={errors.email}
        />
      )}
      <Button type="submit" disabled={pending} className="min-h-11 w-full sm:w-auto">
        {pending ? "Checking the number with the network…" : "Check number and see price"}
      </Button>
    </form>
  );
}
