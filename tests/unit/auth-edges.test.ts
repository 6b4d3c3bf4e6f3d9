import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/components/safe-callback-url";
import { clientIp, parseTrustProxy } from "@/lib/auth/client-ip";
import { changePasswordSchema, signUpSchema } from "@/lib/validations/auth";

describe("sign-up validation", () => {
  it("names each problem", () => {
    const result = signUpSchema.safeParse({ name: " ", email: "not-an-email", password: "short", timeZone: "UTC" });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error?.issues.map((issue) => [issue.path.join("."), issue.message]) ?? []);
    expect(messages).toEqual({
      name: "Enter your name.",
      email: "Enter a valid email address.",
      password: "Use at least 10 characters.",
    });
  });

  it("falls back to UTC for an unknown time zone", () => {
    const result = signUpSchema.parse({ name: "A", email: "a@example.com", password: "long enough!", timeZone: "Mars/Olympus" });
    expect(result.timeZone).toBe("UTC");
  });
});

describe("change-password validation", () => {
  it("requires the repeated password to match and differ from the current one", () => {
    const mismatch = changePasswordSchema.safeParse({ currentPassword: "old password!", newPassword: "new password!", confirmPassword: "other" });
    expect(mismatch.error?.issues.map((issue) => issue.path.join("."))).toEqual(["confirmPassword"]);
    const same = changePasswordSchema.safeParse({ currentPassword: "same password", newPassword: "same password", confirmPassword: "same password" });
    expect(same.error?.issues.map((issue) => issue.message)).toEqual(["Choose a password different from the current one."]);
  });
});

describe("callback URLs after sign-in", () => {
  it("keeps paths on this site and drops everything else", () => {
    expect(safeCallbackUrl("/settings/sync?x=1")).toBe("/settings/sync?x=1");
    expect(safeCallbackUrl("https://evil.example/")).toBe("/calendar");
    expect(safeCallbackUrl("//evil.example/")).toBe("/calendar");
    expect(safeCallbackUrl("/\\evil.example")).toBe("/calendar");
    expect(safeCallbackUrl(undefined)).toBe("/calendar");
  });
});

describe("client address", () => {
  it("trusts no X-Forwarded-For at all when TRUST_PROXY is unset: any client can write it", () => {
    const trust = parseTrustProxy(undefined);
    expect(trust).toBeNull();
    expect(clientIp({ "x-forwarded-for": "1.2.3.4" }, trust)).toBeNull();
    expect(clientIp(new Headers({ "x-forwarded-for": "1.2.3.4, 10.0.0.9", "x-real-ip": "198.51.100.1" }), trust)).toBeNull();
  });

  it("takes the address the trusted hops saw, whatever the client prepended", () => {
    const oneHop = parseTrustProxy("1");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }, oneHop)).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7" }), oneHop)).toBe("203.0.113.7");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" }, parseTrustProxy("2"))).toBe("203.0.113.7");
    expect(clientIp({ "x-forwarded-for": "::ffff:203.0.113.7" }, oneHop)).toBe("203.0.113.7");
    expect(clientIp({ "x-forwarded-for": "not-an-address" }, oneHop)).toBeNull();
    expect(clientIp({}, oneHop)).toBeNull();
  });

  it("skips the listed proxies and CIDRs from the right", () => {
    const listed = parseTrustProxy("10.0.0.0/8, 2001:db8::/32, 192.0.2.1");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.1.2.3, 192.0.2.1" }, listed)).toBe("203.0.113.7");
    expect(clientIp({ "x-forwarded-for": "203.0.113.8, 2001:db8::5" }, listed)).toBe("203.0.113.8");
  });

  it("refuses a TRUST_PROXY it cannot read instead of guessing", () => {
    expect(() => parseTrustProxy("yes")).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy("10.0.0.0/99")).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy("0")).toThrow(/TRUST_PROXY/);
  });
});
