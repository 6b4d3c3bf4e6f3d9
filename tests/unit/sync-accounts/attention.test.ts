import { describe, expect, it } from "vitest";
import { attentionReason, FAILING_FOR_MS } from "@/lib/sync-accounts/attention";

const now = new Date("2026-12-02T12:00:00Z");
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const account = (overrides: Partial<Parameters<typeof attentionReason>[0]> = {}) => ({
  provider: "GOOGLE" as const,
  state: "ACTIVE",
  grantedPasswordVersion: null,
  lastSuccessfulSyncAt: hoursAgo(1),
  createdAt: hoursAgo(100),
  ...overrides,
});

describe("which sync accounts need their person", () => {
  it("an Atollon grant under an older password than the current one", () => {
    expect(attentionReason(account({ provider: "ATOLLON", grantedPasswordVersion: 1 }), 2, now)).toBe("password-outdated");
    expect(attentionReason(account({ provider: "ATOLLON", grantedPasswordVersion: 2 }), 2, now)).toBeNull();
  });

  it("authorization needed, a rejected password and paused deletions, at once", () => {
    expect(attentionReason(account({ state: "AUTHORIZATION_NEEDED" }), 1, now)).toBe("authorization-needed");
    expect(attentionReason(account({ provider: "EXCHANGE", state: "PASSWORD_REJECTED" }), 1, now)).toBe("password-rejected");
    expect(attentionReason(account({ state: "PAUSED" }), 1, now)).toBe("deletions-paused");
  });

  it("errors only once they have lasted a day since the last good sync (or since the account was added)", () => {
    expect(attentionReason(account({ state: "ERROR", lastSuccessfulSyncAt: hoursAgo(23) }), 1, now)).toBeNull();
    expect(attentionReason(account({ state: "ERROR", lastSuccessfulSyncAt: new Date(now.getTime() - FAILING_FOR_MS) }), 1, now)).toBe("failing");
    expect(attentionReason(account({ state: "ERROR", lastSuccessfulSyncAt: null, createdAt: hoursAgo(2) }), 1, now)).toBeNull();
    expect(attentionReason(account({ state: "ERROR", lastSuccessfulSyncAt: null, createdAt: hoursAgo(30) }), 1, now)).toBe("failing");
  });

  it("not an account that works or is syncing", () => {
    expect(attentionReason(account(), 1, now)).toBeNull();
    expect(attentionReason(account({ state: "SYNCING", lastSuccessfulSyncAt: hoursAgo(48) }), 1, now)).toBeNull();
  });
});
