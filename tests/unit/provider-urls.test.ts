/**
 * Provider-given addresses from the attacker's side: an answer that names
 * another site, a look-alike host, credentials in the address, or a script
 * URL is dropped (and logged); only hosts on the provider's list pass.
 */
import { describe, expect, it } from "vitest";
import type { Logger } from "@/lib/log";
import { allowedProviderUrl, urlAllowList } from "@/lib/providers/urls";

function recorder() {
  const warnings: Record<string, unknown>[] = [];
  const logger = { warn: (_msg: string, fields?: Record<string, unknown>) => void warnings.push(fields ?? {}) } as unknown as Logger;
  return { logger, warnings };
}

describe("provider URL allow-lists", () => {
  it("default to the host of the provider's base URL, or take the configured hosts", () => {
    expect(urlAllowList("mioesim", undefined, "https://bpm.mioesim.com/api").hosts).toEqual(["bpm.mioesim.com"]);
    expect(urlAllowList("meisim", " Checkout.Stripe.com , files.meisim.example:8443 ", "https://meisimusa.com").hosts).toEqual([
      "checkout.stripe.com",
      "files.meisim.example:8443",
    ]);
  });

  it("let through https addresses on a listed host only", () => {
    const list = urlAllowList("mioesim", "cdn.mioesim.com", "https://bpm.mioesim.com");
    const { logger, warnings } = recorder();
    expect(allowedProviderUrl(list, "https://cdn.mioesim.com/pdf/1.pdf", "pdf", logger)).toBe("https://cdn.mioesim.com/pdf/1.pdf");
    for (const bad of [
      "https://evil.example/pdf/1.pdf",
      "https://cdn.mioesim.com.evil.example/1.pdf",
      "https://cdn.mioesim.com@evil.example/1.pdf",
      "https://user:pw@cdn.mioesim.com/1.pdf",
      "http://cdn.mioesim.com/1.pdf",
      "https://cdn.mioesim.com:8443/1.pdf",
      "javascript:alert(1)//cdn.mioesim.com",
      "//cdn.mioesim.com/1.pdf",
      "not a url",
    ]) {
      expect(allowedProviderUrl(list, bad, "pdf", logger), bad).toBeNull();
    }
    expect(warnings).toHaveLength(9);
    expect(warnings[0]).toMatchObject({ provider: "mioesim", what: "pdf", host: "evil.example" });
    expect(allowedProviderUrl(list, null, "pdf", logger)).toBeNull();
    expect(warnings).toHaveLength(9);
  });

  it("allow plain http only for the simulators on this machine", () => {
    const list = urlAllowList("mioesim", undefined, "http://127.0.0.1:4010");
    expect(allowedProviderUrl(list, "http://127.0.0.1:4010/pdf/1.pdf", "pdf", recorder().logger)).toBe("http://127.0.0.1:4010/pdf/1.pdf");
    expect(allowedProviderUrl(list, "http://127.0.0.1:4011/pdf/1.pdf", "pdf", recorder().logger)).toBeNull();
  });
});
