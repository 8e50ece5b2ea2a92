/**
 * The usage reminder is framed like every other email of the store (the
 * shared layout: brand, footer) and says which eSIM it is about in both parts.
 */
import { describe, expect, it } from "vitest";
import { renderUsageReminder, type UsageReminderProps } from "@/lib/email/templates/usage-reminder";

const facts: UsageReminderProps = {
  kind: "data",
  planName: "Japan 1 GB 7 days",
  iccid: "8988000000000000001",
  usedMb: 830,
  totalMb: 1024,
  expiresAt: null,
  esimUrl: "https://shop.test/esims/8988000000000000001",
  renewUrl: "https://shop.test/esims/8988000000000000001/renew",
};

describe("the usage reminder email", () => {
  it("uses the shared layout and names the eSIM, its plan and the way to add data", async () => {
    const email = await renderUsageReminder("traveller@example.test", facts);
    expect(email.subject).toBe("You have used most of your data: Japan 1 GB 7 days");
    expect(email.html).toMatch(/^<!DOCTYPE html/i);
    expect(email.html).toContain("RoamSIM · travel eSIM data plans");
    expect(email.html).toContain(`href="${facts.renewUrl}"`);
    expect(email.text).toContain("You have used 81% of your data: 830 MB of 1 GB.");
    expect(email.text).toMatch(/eSIM\s+8988000000000000001/);
    expect(email.text).toMatch(/Plan\s+Japan 1 GB 7 days/);
    expect(email.text).toContain(facts.esimUrl);
  });

  it("offers no renewal for a plan that cannot be topped up", async () => {
    const email = await renderUsageReminder("traveller@example.test", {
      ...facts,
      kind: "expiry",
      expiresAt: "2026-12-03T10:00:00Z",
      renewUrl: null,
    });
    expect(email.subject).toBe("Your eSIM plan ends soon: Japan 1 GB 7 days");
    expect(email.text).toContain("Your plan ends on 3 Dec 2026, 10:00 UTC.");
    expect(email.text).toContain("This plan cannot be topped up");
    expect(email.html).not.toContain("/renew");
  });
});
