import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signParams } from "@/lib/providers/mioesim/sign";

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const DOC_SECRET = "1234567890qwertyuiopasdfghjklzxc";

describe("signParams", () => {
  it("matches the documented login example", () => {
    // printf 'password=mypasswordphonenumber=138000000001234567890qwertyuiopasdfghjklzxc' | md5sum
    const sign = signParams({ phonenumber: "13800000000", password: "mypassword" }, DOC_SECRET);
    expect(sign).toBe("9d3017ea1ffa8e5df1839a5bef2f4da4");
    expect(sign).toBe(md5("password=mypasswordphonenumber=13800000000" + DOC_SECRET));
  });

  it("sorts by key whatever the insertion order", () => {
    expect(signParams({ b: "2", a: "1", c: "3" }, "k")).toBe(md5("a=1b=2c=3k"));
    expect(signParams({ c: "3", a: "1", b: "2" }, "k")).toBe(signParams({ a: "1", b: "2", c: "3" }, "k"));
  });

  it("sorts by code unit, so upper-case keys come before lower-case ones", () => {
    expect(signParams({ priceid: "1", priceId: "2", Z: "0" }, "k")).toBe(md5("Z=0priceId=2priceid=1k"));
  });

  it("leaves out empty, null and undefined values", () => {
    const expected = md5("a=1c=3s");
    expect(signParams({ a: "1", b: "", c: "3", d: null, e: undefined }, "s")).toBe(expected);
  });

  it("leaves out the sign parameter itself", () => {
    expect(signParams({ token: "t", sign: "deadbeef" }, "s")).toBe(md5("token=ts"));
  });

  it("writes numbers and booleans as their text; zero is not empty", () => {
    expect(signParams({ skuId: 26, count: 0, backInfo: 1, flag: true }, "s")).toBe(md5("backInfo=1count=0flag=trueskuId=26s"));
    expect(signParams({ price: 4.5 }, "s")).toBe(md5("price=4.5s"));
  });

  it("hashes non-ASCII text as UTF-8", () => {
    // printf 'a=1b=héllo日本secret' | md5sum
    expect(signParams({ b: "héllo日本", a: 1 }, "secret")).toBe("a00ea8e96e633452c3bdd65857aa97d1");
  });

  it("returns 32 lower-case hex digits, and a different secret changes it", () => {
    const one = signParams({ a: "1" }, "x");
    expect(one).toMatch(/^[0-9a-f]{32}$/);
    expect(signParams({ a: "1" }, "y")).not.toBe(one);
  });

  it("refuses objects, which have no documented text form", () => {
    expect(() => signParams({ list: ["a"] }, "s")).toThrow(/list/);
  });
});
