import { describe, expect, it } from "vitest";
import { copyFor, inWindow, matches } from "@/lib/sync/rules/evaluate";
import { reevaluation, rulesKey } from "@/lib/sync/rules/lens";
import { DEFAULT_RULES, storedRules, syncRulesSchema, type SyncRules } from "@/lib/sync/rules/schema";
import { summarizeRules } from "@/lib/sync/rules/summary";
import { content } from "./memory-sides";

const now = new Date("2026-12-01T12:00:00.000Z");
const rules = (change: Partial<SyncRules>): SyncRules => ({ ...DEFAULT_RULES, ...change });
const at = (day: string, allDay = false) =>
  allDay ? content({ allDay: true, start: day, end: new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10), timeZone: null }) : content({ start: `${day}T09:00:00.000Z`, end: `${day}T10:00:00.000Z` });

describe("rules: what is copied", () => {
  it("copies everything by default", () => {
    const busy = content({ allDay: true, start: "2010-01-01", end: "2010-01-02", timeZone: null, transparency: "transparent", visibility: "private", title: "Holiday" });
    expect(matches(busy, DEFAULT_RULES, now)).toBe(true);
  });

  it("skips all-day, free, private and confidential events, each only when asked", () => {
    const allDay = at("2026-12-02", true);
    expect(matches(allDay, rules({ skipAllDay: true }), now)).toBe(false);
    expect(matches(allDay, rules({ skipFree: true }), now)).toBe(true);
    const free = content({ transparency: "transparent" });
    expect(matches(free, rules({ skipFree: true }), now)).toBe(false);
    expect(matches(content({ visibility: "private" }), rules({ skipPrivate: true }), now)).toBe(false);
    expect(matches(content({ visibility: "confidential" }), rules({ skipPrivate: true }), now)).toBe(false);
    expect(matches(content({ visibility: "public" }), rules({ skipPrivate: true }), now)).toBe(true);
  });

  it("skips an event the person declined, not one someone else declined", () => {
    const declined = (email: string) => content({ attendees: [{ email, name: null, response: "declined", optional: false }] });
    const skip = rules({ skipDeclined: true });
    expect(matches(declined("me@example.com"), skip, now, ["me@example.com"])).toBe(false);
    expect(matches(declined("colleague@example.com"), skip, now, ["me@example.com"])).toBe(true);
  });

  it("skips titles containing any of the words, whatever their case", () => {
    const words = rules({ titleWords: ["holiday", "Private"] });
    expect(matches(content({ title: "Bank HOLIDAY" }), words, now)).toBe(false);
    expect(matches(content({ title: "private lunch" }), words, now)).toBe(false);
    expect(matches(content({ title: "Standup" }), words, now)).toBe(true);
  });

  it("keeps an event inside the window by its edges: ends after N days ago, starts before M days ahead", () => {
    const window = rules({ pastDays: 7, futureDays: 30 });
    expect(inWindow(content({ start: "2026-11-24T11:00:00.000Z", end: "2026-11-24T12:00:00.000Z" }), window, now)).toBe(false);
    expect(inWindow(content({ start: "2026-11-24T11:00:00.000Z", end: "2026-11-24T12:00:01.000Z" }), window, now)).toBe(true);
    expect(inWindow(content({ start: "2026-12-31T11:59:59.000Z", end: "2026-12-31T13:00:00.000Z" }), window, now)).toBe(true);
    expect(inWindow(content({ start: "2026-12-31T12:00:00.000Z", end: "2026-12-31T13:00:00.000Z" }), window, now)).toBe(false);
    expect(inWindow(at("2026-11-24", true), window, now)).toBe(true);
    expect(inWindow(at("2026-11-23", true), window, now)).toBe(false);
  });

  it("keeps a series that started before the window when one of its occurrences is inside it", () => {
    const window = rules({ pastDays: 0, futureDays: 30 });
    const weekly = content({ start: "2026-01-05T09:00:00.000Z", end: "2026-01-05T10:00:00.000Z", timeZone: "UTC", rrule: "FREQ=WEEKLY" });
    expect(inWindow(weekly, window, now)).toBe(true);
    const ended = { ...weekly, rrule: "FREQ=WEEKLY;COUNT=5" };
    expect(inWindow(ended, window, now)).toBe(false);
    const later = content({ start: "2027-03-01T09:00:00.000Z", end: "2027-03-01T10:00:00.000Z", rrule: "FREQ=DAILY" });
    expect(inWindow(later, window, now)).toBe(false);
    expect(inWindow(later, rules({ pastDays: 0, futureDays: null }), now)).toBe(true);
  });

  it("makes busy blocks and title-and-times copies that keep times, all-day, recurrence and show-as", () => {
    const full = content({ title: "Board", description: "secret", location: "HQ", transparency: "transparent", visibility: "private", rrule: "FREQ=DAILY;COUNT=3", reminders: [15], attendees: [{ email: "a@example.com", name: null, response: "accepted", optional: false }], organizer: { email: "b@example.com", name: null } });
    expect(copyFor(full, "everything", "Busy")).toEqual(full);
    const busy = copyFor(full, "busy", "Away");
    expect(busy).toEqual({ ...full, title: "Away", description: "", location: "", visibility: "default", reminders: [], attendees: [], organizer: null });
    expect(copyFor(full, "title-times", "Busy")).toEqual({ ...busy, title: "Board" });
    expect(copyFor(busy, "busy", "Away")).toEqual(busy);
  });
});

describe("rules: stored, summarised, re-evaluated", () => {
  it("reads an account without rules as today's behaviour and refuses invalid ones", () => {
    expect(storedRules(null)).toEqual(DEFAULT_RULES);
    expect(() => storedRules({ direction: "sideways" })).toThrow(/not valid/);
    expect(syncRulesSchema.safeParse({ ...DEFAULT_RULES, futureDays: -1 }).success).toBe(false);
    expect(syncRulesSchema.safeParse({ ...DEFAULT_RULES, busyText: "  " }).success).toBe(false);
  });

  it("sums the rules up in one line", () => {
    expect(summarizeRules(DEFAULT_RULES, "Google")).toBe("Both ways · everything");
    expect(summarizeRules(rules({ toRemote: "busy", skipAllDay: true, pastDays: 0, futureDays: 90 }), "Google")).toBe('Both ways · "Busy" only to Google · no all-day · next 90 days');
    expect(summarizeRules(rules({ direction: "to-atollon", toRemote: "busy", toAtollon: "title-times", titleWords: ["holiday"], pastDays: 30 }), "Exchange")).toBe(
      'Only from Exchange · Title and times only from Exchange · not "holiday" · from 30 days ago',
    );
    expect(summarizeRules(rules({ direction: "to-remote", futureDays: 1 }), "Google")).toBe("Only to Google · everything · until 1 day ahead");
  });

  it("re-evaluates everything when the rules change, and when a bounded window reaches a new day", () => {
    const windowed = rules({ futureDays: 30 });
    const key = rulesKey(windowed, now);
    expect(rulesKey(DEFAULT_RULES, now)).toBeNull();
    expect(reevaluation(null, DEFAULT_RULES, now)).toBeNull();
    expect(reevaluation(null, windowed, now)).toBe("rules");
    expect(reevaluation(key, windowed, new Date("2026-12-01T23:00:00.000Z"))).toBeNull();
    expect(reevaluation(key, windowed, new Date("2026-12-02T00:10:00.000Z"))).toBe("window");
    expect(reevaluation(key, rules({ futureDays: 31 }), now)).toBe("rules");
    expect(reevaluation(key, DEFAULT_RULES, now)).toBe("rules");
    const unbounded = rules({ skipAllDay: true });
    expect(reevaluation(rulesKey(unbounded, now), unbounded, new Date("2027-01-01T00:00:00.000Z"))).toBeNull();
  });
});
