import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { DateField } from "@/components/date-field";
import { FormatsProvider } from "@/components/formats-provider";
import { TimeField } from "@/components/time-field";
import { resolveFormats } from "@/lib/calendar/formats";

// The provider asks the app router to draw the page again when the browser's language differs; no router here.
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh: () => undefined }) }));

function render(locale: string, field: ReactElement): { text: string; segments: string[]; html: string } {
  const settings = resolveFormats({ locale, weekStart: null }, null, "Europe/Prague");
  const html = renderToString(
    <FormatsProvider settings={settings} browser={locale}>
      {field}
    </FormatsProvider>,
  );
  const segments = [...html.matchAll(/data-type="(\w+)"/g)].map((match) => match[1] ?? "").filter((type) => type !== "literal");
  const text = html.replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ").replace(/[\u00a0\u2009\u202f]/g, " ").replace(/[\u2066-\u2069]/g, "");
  return { text, segments, html };
}
const date = (value: string, error?: string) => <DateField label="Starts" value={value} onChange={() => undefined} error={error} />;
const time = (value: string) => <TimeField label="Start time" value={value} onChange={() => undefined} />;

describe("date and time fields in the person's formats", () => {
  it("puts the month first in en-US and the day first in en-GB and cs-CZ, with each locale's separators", () => {
    expect(render("en-US", date("2026-12-09"))).toMatchObject({ text: "Starts12/9/2026", segments: ["month", "day", "year"] });
    expect(render("en-GB", date("2026-12-09"))).toMatchObject({ text: "Starts09/12/2026", segments: ["day", "month", "year"] });
    expect(render("cs-CZ", date("2026-12-09"))).toMatchObject({ text: "Starts9. 12. 2026", segments: ["day", "month", "year"] });
    expect(render("de-DE", date("2026-12-09")).text).toBe("Starts9.12.2026");
  });

  it("shows a 12-hour clock with AM/PM in en-US and a 24-hour one in en-GB and cs-CZ", () => {
    expect(render("en-US", time("13:05"))).toMatchObject({ text: "Start time1:05 PM", segments: ["hour", "minute", "dayPeriod"] });
    expect(render("en-GB", time("13:05"))).toMatchObject({ text: "Start time13:05", segments: ["hour", "minute"] });
    expect(render("cs-CZ", time("09:00")).text).toBe("Start time9:00");
  });

  it("shows the locale's empty segments while there is no date yet", () => {
    expect(render("en-US", date("")).text).toBe("Startsmm/dd/yyyy");
    expect(render("en-GB", date("")).text).toBe("Startsdd/mm/yyyy");
  });

  it("ties its error to the field and announces it", () => {
    const { html } = render("en-GB", date("", "Pick a date."));
    const errorId = /<p id="([^"]+)" aria-live="polite"[^>]*>Pick a date\.<\/p>/.exec(html)?.[1];
    expect(errorId).toBeDefined();
    const group = /<div[^>]*role="group"[^>]*>/.exec(html)?.[0] ?? "";
    expect(/aria-describedby="([^"]*)"/.exec(group)?.[1]?.split(" ")).toContain(errorId);
    expect(html).toContain('aria-invalid="true"');
  });
});
