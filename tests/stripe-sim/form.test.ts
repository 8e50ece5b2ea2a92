import { describe, expect, it } from "vitest";
import { parseStripeForm } from "../../simulators/stripe/form";

const parse = (query: string) => parseStripeForm(new URLSearchParams(query));

describe("Stripe's bracketed form encoding", () => {
  it("nests objects and indexed arrays", () => {
    expect(
      parse(
        "mode=payment&line_items[0][price_data][unit_amount]=2500&line_items[0][price_data][product_data][name]=Japan" +
          "&line_items[0][quantity]=1&line_items[1][quantity]=2&metadata[order]=o1",
      ),
    ).toEqual({
      mode: "payment",
      line_items: [{ price_data: { unit_amount: "2500", product_data: { name: "Japan" } }, quantity: "1" }, { quantity: "2" }],
      metadata: { order: "o1" },
    });
  });

  it("reads percent-encoded brackets, appends with [] and closes gaps between indices", () => {
    expect(parse("expand%5B%5D=payment_intent&expand[]=line_items&items[3]=b&items[0]=a")).toEqual({
      expand: ["payment_intent", "line_items"],
      items: ["a", "b"],
    });
  });

  it("keeps a key named __proto__ as plain data", () => {
    const parsed = parse("metadata[__proto__]=x&metadata[constructor]=y");
    expect(Object.getPrototypeOf(parsed.metadata)).toBe(Object.prototype);
    expect(Object.keys(parsed.metadata!)).toEqual(["__proto__", "constructor"]);
  });

  it("refuses keys that cannot be read one way", () => {
    expect(() => parse("metadata=x&metadata[a]=y")).toThrow(/metadata\[a\]/);
    expect(() => parse("items[0]=x&items[a]=y")).toThrow(/conflicts/);
    expect(() => parse("a[b=1")).toThrow(/not a valid parameter name/);
  });
});
