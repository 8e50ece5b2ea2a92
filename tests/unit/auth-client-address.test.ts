/**
 * Which address a request came from. scripts/serve.ts appends the connecting
 * peer to X-Forwarded-For; TRUSTED_PROXY_HOPS says how many proxies in front
 * appended theirs. Whatever the client wrote itself must never be chosen.
 */
import { describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/audit";
import { clientKey } from "@/lib/auth/rate-limit";
import { ConfigError, parseEnv } from "@/lib/config/env";

const forwardedFor = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("clientAddress", () => {
  it("with no proxy in front, is the peer, whatever the client put in X-Forwarded-For", () => {
    expect(clientAddress(forwardedFor("203.0.113.9"), 0)).toBe("203.0.113.9");
    expect(clientAddress(forwardedFor("198.51.100.1, 198.51.100.2, 203.0.113.9"), 0)).toBe("203.0.113.9");
  });

  it("behind trusted proxies, is the address the outermost one saw, ignoring what the client wrote", () => {
    // The client wrote 6.6.6.6; the proxy appended the client it saw (198.51.100.7); the server appended the proxy.
    expect(clientAddress(forwardedFor("6.6.6.6, 198.51.100.7, 10.0.0.2"), 1)).toBe("198.51.100.7");
    expect(clientAddress(forwardedFor("6.6.6.6, 198.51.100.7, 10.0.0.3, 10.0.0.2"), 2)).toBe("198.51.100.7");
  });

  it("takes the furthest known address when a request skipped a configured proxy", () => {
    expect(clientAddress(forwardedFor("10.0.0.2"), 1)).toBe("10.0.0.2");
  });

  it("writes IPv4 peers of a dual-stack listener as IPv4, and keeps IPv6 as it is", () => {
    expect(clientAddress(forwardedFor("::ffff:127.0.0.1"), 0)).toBe("127.0.0.1");
    expect(clientAddress(forwardedFor("2001:db8::1"), 0)).toBe("2001:db8::1");
  });

  it("is unknown without the header, or when the chosen entry is not an address", () => {
    expect(clientAddress(forwardedFor(), 0)).toBeNull();
    expect(clientAddress(forwardedFor(" , "), 0)).toBeNull();
    expect(clientAddress(forwardedFor("unknown, 10.0.0.2"), 1)).toBeNull();
  });
});

describe("TRUSTED_PROXY_HOPS", () => {
  const base = { AUTH_SECRET: "x".repeat(32) };

  it("is 0 unless set: the store is reached directly", () => {
    expect(parseEnv(base).TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ ...base, TRUSTED_PROXY_HOPS: "2" }).TRUSTED_PROXY_HOPS).toBe(2);
  });

  it("must be a whole number of proxies", () => {
    for (const value of ["-1", "1.5", "two"]) {
      expect(() => parseEnv({ ...base, TRUSTED_PROXY_HOPS: value })).toThrow(ConfigError);
    }
  });
});

describe("clientKey", () => {
  it("counts an IPv4 client by its address, written either way", () => {
    expect(clientKey("203.0.113.9")).toBe("203.0.113.9");
    expect(clientKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(clientKey("::ffff:cb00:7109")).toBe("203.0.113.9");
    expect(clientKey("203.0.113.10")).not.toBe(clientKey("203.0.113.9"));
  });

  it("counts an IPv6 client by its /64, however the address is written", () => {
    const key = clientKey("2001:db8:1:2::1");
    for (const sameNetwork of ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002:0000:0000:0000:0abc", "2001:DB8:1:2:a:b:c:d"])
      expect(clientKey(sameNetwork)).toBe(key);
    expect(key).toBe("2001:db8:1:2::/64");
    for (const otherNetwork of ["2001:db8:1:3::1", "2001:db8:2:2::1", "2001:db9:1:2::1"]) expect(clientKey(otherNetwork)).not.toBe(key);
  });

  it("puts every client whose address is not known under one key", () => {
    expect(clientKey(null)).toBe("unknown");
    expect(clientKey("not an address")).toBe("unknown");
  });
});
