import { describe, expect, it } from "vitest";
import { describeMoment } from "@/components/sync/describe-moment";

const now = Date.parse("2026-12-02T10:00:00.000Z");
const at = (offsetMs: number) => new Date(now + offsetMs);

describe("describeMoment", () => {
  it("says how long ago a past moment was", () => {
    expect(describeMoment(at(-10_000), now, "past")).toBe("just now");
    expect(describeMoment(at(-3 * 60_000), now, "past")).toBe("3 minutes ago");
    expect(describeMoment(at(-2 * 3_600_000), now, "past")).toBe("2 hours ago");
    expect(describeMoment(at(-86_400_000), now, "past")).toBe("yesterday");
  });

  it("never puts a past moment in the future when the browser's clock is behind the server's", () => {
    expect(describeMoment(at(20_000), now, "past")).toBe("just now");
    expect(describeMoment(at(5 * 60_000), now, "past")).toBe("just now");
  });

  it("says when a coming moment is, and never puts it in the past when the clocks disagree", () => {
    expect(describeMoment(at(4 * 60_000), now, "future")).toBe("in 4 minutes");
    expect(describeMoment(at(30_000), now, "future")).toBe("any moment now");
    expect(describeMoment(at(-2 * 60_000), now, "future")).toBe("any moment now");
  });
});
