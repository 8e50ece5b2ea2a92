/**
 * What a MeiSIM dealer product needs at checkout, besides the email, for
 * POST /dealer/order: `customerName` (required for every product) and, for a
 * US prepaid product, the device's `imei`, `eid` and a US `address`.
 * Checked here, before the order exists and before any payment or provider
 * call. Readings of the documents (meisim-dealer-api.txt, "Order from your
 * wallet"), written down in docs/providers.md:
 * - imei: "15 digits", exactly; no Luhn check (the document asks for none).
 * - eid: "hex"; an EID is 32 hex digits, so exactly 32 are taken, either case.
 * - address.state: a two-letter US state (or DC / territory) code, upper case.
 * - address.zipCode: 5 digits, or ZIP+4 (`85001-1234`).
 * - address.phone: E.164 for the US, `+1` then 10 digits; spaces, dots,
 *   dashes and brackets typed around them are dropped.
 * - customerName: the address's first and last name for US prepaid; a
 *   "Full name" field otherwise.
 */
import { z } from "zod";
import { textField } from "../validation";

/** The form's field names (`address.*` flattened), for errors shown next to each field. */
export const ACTIVATION_FIELDS = [
  "customerName",
  "imei",
  "eid",
  "firstName",
  "lastName",
  "addressLine1",
  "city",
  "state",
  "zipCode",
  "phone",
] as const;
export type ActivationField = (typeof ACTIVATION_FIELDS)[number];

const US_STATES = new Set(
  (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY " +
    "DC PR VI GU AS MP"
  ).split(" "),
);

const name = (label: string) => textField({ min: 1, max: 60, label });

export const UsAddressSchema = z.object({
  firstName: name("First name"),
  lastName: name("Last name"),
  addressLine1: textField({ min: 1, max: 120, label: "Street address" }),
  city: name("City"),
  state: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .refine((s) => US_STATES.has(s), "Enter the two-letter US state code, e.g. AZ."),
  zipCode: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, "Enter a 5-digit ZIP code (or ZIP+4, e.g. 85001-1234)."),
  phone: z
    .string()
    .transform((s) => s.replace(/[\s().-]/g, ""))
    .refine((s) => /^\+1\d{10}$/.test(s), "Enter a US phone number as +1 and 10 digits, e.g. +15555550100."),
});
export type UsAddress = z.output<typeof UsAddressSchema>;

export const ImeiSchema = z
  .string()
  .trim()
  .regex(/^\d{15}$/, "The IMEI is exactly 15 digits (dial *#06# on the phone to see it).");

export const EidSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Fa-f]{32}$/, "The EID is 32 characters, digits and A–F (Settings → About on the phone).")
  .transform((s) => s.toUpperCase());

const UsPrepaidSchema = z.object({ imei: ImeiSchema, eid: EidSchema, address: UsAddressSchema });

/** Stored on the order (Order.activationDetails) and sent with /dealer/order. */
export type ActivationDetails = { customerName: string } & Partial<z.output<typeof UsPrepaidSchema>>;

export type ActivationParse =
  | { ok: true; details: ActivationDetails }
  | { ok: false; fieldErrors: { [F in ActivationField]?: string } & Record<string, string>; values: Record<string, string> };

const formText = (form: FormData, field: string) => {
  const value = form.get(field);
  return typeof value === "string" ? value : "";
};

/** The typed values, to put back in the form after a refusal. */
export function activationValues(form: FormData): Record<string, string> {
  return Object.fromEntries(ACTIVATION_FIELDS.map((f) => [f, formText(form, f)]));
}

/** Reads the checkout form's activation fields for a dealer product; `usPrepaid` decides which are required. */
export function parseActivationDetails(form: FormData, usPrepaid: boolean): ActivationParse {
  const values = activationValues(form);
  const fieldErrors: Record<string, string> = {};
  const collect = (error: z.ZodError) => {
    for (const issue of error.issues) {
      fieldErrors[String(issue.path.at(-1))] ??= issue.message;
    }
  };
  if (usPrepaid) {
    const { firstName, lastName, addressLine1, city, state, zipCode, phone, imei, eid } = values;
    const parsed = UsPrepaidSchema.safeParse({
      imei,
      eid,
      address: { firstName, lastName, addressLine1, city, state, zipCode, phone },
    });
    if (!parsed.success) {
      collect(parsed.error);
      return { ok: false, fieldErrors, values };
    }
    const { address } = parsed.data;
    return { ok: true, details: { customerName: `${address.firstName} ${address.lastName}`, ...parsed.data } };
  }
  const customerName = name("Full name").safeParse(values.customerName);
  if (!customerName.success) {
    fieldErrors.customerName = customerName.error.issues[0]?.message ?? "Enter your full name.";
    return { ok: false, fieldErrors, values };
  }
  return { ok: true, details: { customerName: customerName.data } };
}

const StoredSchema = z.object({ customerName: z.string().min(1) }).and(UsPrepaidSchema.partial());

/** Order.activationDetails read back; null when the order has none (or it is not of this shape). */
export function storedActivationDetails(value: unknown): ActivationDetails | null {
  const parsed = StoredSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
