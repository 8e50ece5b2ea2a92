/**
 * A US prepaid activation as a customer types it at checkout (the form's
 * field names, lib/orders/activation-details.ts), with the device and
 * address of MeiSIM's /dealer/order example.
 */
import type { DealerAddress } from "@/lib/providers/meisim";

export const US_PREPAID_FORM = {
  imei: "359123456789012",
  eid: "89001012012341234012345678901224",
  firstName: "Jane",
  lastName: "Doe",
  addressLine1: "123 Main St",
  city: "Phoenix",
  state: "AZ",
  zipCode: "85001",
  phone: "+15555550100",
};

/** The same address under the field names MeiSIM's /dealer/order documents, as the request carries it. */
export const DEALER_ADDRESS: DealerAddress = {
  first_name: "Jane",
  last_name: "Doe",
  address_line_1: "123 Main St",
  city: "Phoenix",
  state: "AZ",
  zip_code: "85001",
  phone: "+15555550100",
};

/** The fields as the checkout form posts them. */
export function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}
