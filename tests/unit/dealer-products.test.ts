import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { parseActivationDetails } from "@/lib/orders/activation-details";
import { OrderOutcomeUnknownError, ProviderFundsError, ProviderTimeoutError } from "@/lib/providers/errors";
import type { MeisimClient } from "@/lib/providers/meisim/client";
import { dealerProductIdOf, dealerPlanRef, DEALER_PRODUCT_ID, placeDealerOrder } from "@/lib/providers/meisim/dealer-products";
import { MeisimInsufficientBalanceError } from "@/lib/providers/meisim/errors";
import { DEALER_ADDRESS, formOf, US_PREPAID_FORM } from "../support/us-prepaid";

/** Typed loosely: a lower-case state and a phone number with spaces and brackets. */
const GOOD = { ...US_PREPAID_FORM, state: "az", phone: "+1 (555) 555-0100" };

describe("US prepaid activation details", () => {
  it("reads a valid form into the documented /dealer/order fields, normalised", () => {
    const parsed = parseActivationDetails(formOf(GOOD), true);
    const { imei, eid, ...address } = US_PREPAID_FORM;
    expect(parsed).toEqual({
      ok: true,
      details: {
        customerName: "Jane Doe",
        imei,
        eid,
        address,
      },
    });
  });

  it.each([
    ["imei", "35912345678901"],
    ["imei", "3591234567890123"],
    ["imei", "35912345678901a"],
    ["eid", "8900101201234123401234567890122"],
    ["eid", "89001012012341234012345678901G24"],
    ["state", "ZZ"],
    ["state", "Arizona"],
    ["zipCode", "8500"],
    ["zipCode", "85001-12"],
    ["phone", "+445555550100"],
    ["phone", "5555550100"],
    ["firstName", ""],
    ["addressLine1", "  "],
  ])("refuses %s = %j with a message on that field, keeping every typed value", (field, value) => {
    const typed = { ...GOOD, [field]: value };
    const parsed = parseActivationDetails(formOf(typed), true);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.fieldErrors)).toEqual([field]);
    expect(parsed.values).toMatchObject(typed);
  });

  it("takes any 15 digits as an IMEI and nothing of another length (no Luhn check: the document asks for 15 digits)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,20}$/), (imei) => {
        const parsed = parseActivationDetails(formOf({ ...GOOD, imei }), true);
        expect(parsed.ok).toBe(imei.length === 15);
      }),
    );
  });

  it("takes any 32 hex digits as an EID, upper-cased", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-F]{32}$/), (eid) => {
        const parsed = parseActivationDetails(formOf({ ...GOOD, eid }), true);
        expect(parsed.ok && parsed.details.eid).toBe(eid.toUpperCase());
      }),
    );
  });

  it("asks only for a name when the product is not US prepaid", () => {
    expect(parseActivationDetails(formOf({ customerName: " Jane Doe " }), false)).toEqual({
      ok: true,
      details: { customerName: "Jane Doe" },
    });
    const refused = parseActivationDetails(formOf({ customerName: "" }), false);
    expect(refused.ok === false && Object.keys(refused.fieldErrors)).toEqual(["customerName"]);
  });
});

describe("dealer product references", () => {
  it("round-trips productIds through the plan reference and accepts the document's example", () => {
    expect(DEALER_PRODUCT_ID.test("p3:att-prepaid-30")).toBe(true);
    expect(DEALER_PRODUCT_ID.test("esim_5gb_30days_jp")).toBe(false);
    expect(DEALER_PRODUCT_ID.test("p3:ATT")).toBe(false);
    expect(dealerProductIdOf(dealerPlanRef("p3:att-prepaid-30"))).toBe("p3:att-prepaid-30");
    expect(dealerProductIdOf("esim_5gb_30days_jp")).toBeNull();
  });
});

describe("placeDealerOrder", () => {
  const details = parseActivationDetails(formOf(GOOD), true);
  if (!details.ok) throw new Error("fixture");
  const input = {
    planRef: dealerPlanRef("p3:att-prepaid-30"),
    otherOrderId: "RS1",
    itemIds: ["RS1-1"],
    customerEmail: "jane@example.com",
    customer: details.details,
  };
  const clientWith = (order: (body: unknown) => Promise<unknown>) => ({ wallet: { order } }) as unknown as MeisimClient;

  it("sends the documented body once and reports the short id, with no eSIM (MeiSIM emails the activation)", async () => {
    const order = vi.fn(async () => ({
      orderId: "o1",
      shortId: "MM-AB12CD",
      unitPrice: { amountMinor: 2500, currency: "USD" },
      total: { amountMinor: 2500, currency: "USD" },
      newBalance: { amountMinor: 100, currency: "USD" },
    }));
    const placed = await placeDealerOrder(clientWith(order), "p3:att-prepaid-30", input);
    expect(order).toHaveBeenCalledTimes(1);
    expect(order).toHaveBeenCalledWith({
      productId: "p3:att-prepaid-30",
      customerEmail: "jane@example.com",
      customerName: "Jane Doe",
      quantity: 1,
      imei: "359123456789012",
      eid: "89001012012341234012345678901224",
      // MeiSIM's documented field names, mapped inside its folder.
      address: DEALER_ADDRESS,
    });
    expect(placed).toMatchObject({ providerOrderRef: "o1", providerShortRef: "MM-AB12CD", esims: [], emailedByProvider: true });
  });

  it("turns a 402 into ProviderFundsError and a lost answer into OrderOutcomeUnknownError", async () => {
    const short = clientWith(async () => {
      throw new MeisimInsufficientBalanceError("POST /dealer/order", { error: "Payment required", message: "Insufficient balance" });
    });
    await expect(placeDealerOrder(short, "p3:att-prepaid-30", input)).rejects.toBeInstanceOf(ProviderFundsError);
    const lost = clientWith(async () => {
      throw new ProviderTimeoutError("meisim", "http://sim/dealer/order", 1000);
    });
    await expect(placeDealerOrder(lost, "p3:att-prepaid-30", input)).rejects.toBeInstanceOf(OrderOutcomeUnknownError);
  });
});
