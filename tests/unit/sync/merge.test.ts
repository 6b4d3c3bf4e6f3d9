import { describe, expect, it } from "vitest";
import { mergeThreeWay } from "@/lib/sync/merge";
import { content } from "./memory-sides";

const base = content({ title: "Standup", location: "" });

describe("three-way merge against the content last synced", () => {
  it("keeps a change of each side to different fields", () => {
    const local = { ...base, location: "Room 4" };
    const remote = { ...base, start: "2026-12-01T10:00:00.000Z", end: "2026-12-01T11:00:00.000Z" };
    expect(mergeThreeWay(base, local, remote, "remote")).toEqual({ merged: { ...remote, location: "Room 4" }, conflicts: [] });
  });

  it("takes a field both changed alike once, without a conflict", () => {
    const same = { ...base, title: "Standup (moved)" };
    expect(mergeThreeWay(base, same, { ...same, location: "Room 4" }, "local")).toEqual({ merged: { ...same, location: "Room 4" }, conflicts: [] });
  });

  it("reports a field both changed differently, settled by the preferred side, and keeps the rest", () => {
    const local = { ...base, title: "A", location: "Room 4" };
    const remote = { ...base, title: "B", description: "Agenda" };
    expect(mergeThreeWay(base, local, remote, "local")).toEqual({ merged: { ...base, title: "A", location: "Room 4", description: "Agenda" }, conflicts: ["title"] });
    expect(mergeThreeWay(base, local, remote, "remote").merged.title).toBe("B");
  });

  it("merges the time as one: a start from one side never meets an end or all-day flag from the other", () => {
    const local = { ...base, end: "2026-12-01T11:00:00.000Z" };
    const remote = content({ title: "Standup", allDay: true, start: "2026-12-01", end: "2026-12-02", timeZone: null });
    const { merged, conflicts } = mergeThreeWay(base, local, remote, "remote");
    expect(conflicts).toEqual(["allDay", "start", "end", "timeZone"]);
    expect(merged).toMatchObject({ allDay: true, start: "2026-12-01", end: "2026-12-02", timeZone: null });
  });

  it("ignores order where order means nothing (attendees)", () => {
    const a = { email: "a@example.com", name: null, response: "accepted" as const, optional: false };
    const b = { email: "b@example.com", name: null, response: "accepted" as const, optional: false };
    const synced = { ...base, attendees: [a, b] };
    expect(mergeThreeWay(synced, { ...synced, attendees: [b, a] }, { ...synced, title: "New" }, "local").conflicts).toEqual([]);
  });
});
