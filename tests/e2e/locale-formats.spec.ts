import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { addEvent, dateField, fieldText, shot, signUp, typeDate } from "./helpers";

// Formats from the person's locale: an en-US and a cs-CZ browser each see their own date order,
// clock and first day of the week everywhere, drawn alike by the server and the browser (no
// hydration mismatch); the choice under Settings → Account wins over the browser's language.
test.describe.configure({ mode: "serial" });

interface Visitor {
  context: BrowserContext;
  page: Page;
  /** What the browser's console and the page reported as errors (React names a hydration mismatch there). */
  errors: string[];
}

async function visitor(browser: Browser, locale: string): Promise<Visitor> {
  const context = await browser.newContext({ locale, timezoneId: "Europe/Prague", viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

const week = (page: Page) => page.getByTestId("week-view");

/** The page as the server sent it to this browser, before any script ran: its text must be the text the browser shows after hydration. */
async function serverText(page: Page, path: string): Promise<string> {
  const response = await page.goto(path);
  if (!response) throw new Error(`no response for ${path}`);
  return (await response.text()).replace(/<!-- -->/g, "");
}
// A production build names a hydration mismatch only by its number (react.dev/errors/418 and kin).
const hydrationErrors = (errors: string[]) => errors.filter((text) => /hydrat|did not match|didn't match|errors\/(418|419|422|423|425)\b/i.test(text));

let american: Visitor;
let czech: Visitor;

test.beforeAll(async ({ browser }) => {
  american = await visitor(browser, "en-US");
  czech = await visitor(browser, "cs-CZ");
});

test.afterAll(async () => {
  await american?.context.close();
  await czech?.context.close();
});

test("an en-US browser: Sunday first, 12-hour clock, month before day — everywhere the calendar writes a date", async () => {
  const { page } = american;
  await signUp(page, { name: "Ann Arbor", email: `en-us-${Date.now()}@example.com`, password: "formats password 1" });
  await addEvent(page, { title: "Locale lunch", weekOf: "2026-12-09", date: "2026-12-09", start: "13:00", end: "14:00" });

  await page.goto("/calendar?view=week&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "December 6 – 12, 2026" })).toBeVisible();
  const columns = week(page).locator("[data-column]");
  await expect(columns.first()).toHaveAttribute("data-column", "2026-12-06");
  await expect(columns.first()).toContainText("Sun");
  await expect(columns.last()).toHaveAttribute("data-column", "2026-12-12");
  await expect(week(page).getByText("1 PM", { exact: true })).toBeVisible();
  await expect(week(page).getByText("13:00", { exact: true })).toHaveCount(0);
  await expect(week(page).getByRole("button", { name: /Locale lunch.*1:00 PM – 2:00 PM/ })).toBeVisible();
  const rendered = await serverText(page, "/calendar?view=week&date=2026-12-09");
  for (const text of ["December 6 – 12, 2026", ">1 PM<", ">Sun<", "1:00 PM – 2:00 PM"]) expect(rendered).toContain(text);
  await shot(page, "locale-en-US-week");

  // The week links keep the URL state and the Sunday start.
  await page.getByRole("link", { name: "Next week" }).click();
  await expect(page).toHaveURL(/view=week&date=2026-12-16$/);
  await expect(page.getByRole("heading", { name: "December 13 – 19, 2026" })).toBeVisible();
  await expect(week(page).locator("[data-column]").first()).toHaveAttribute("data-column", "2026-12-13");

  await page.goto("/calendar?view=month&date=2026-12-09");
  await expect(page.getByTestId("month-view").locator("[data-date]").first()).toHaveAttribute("data-date", "2026-11-29");
  await expect(page.getByTestId("month-view").getByRole("button", { name: /1:00 PM\s*Locale lunch/ })).toBeVisible();
  await page.goto("/calendar?view=day&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "Wednesday, December 9, 2026" })).toBeVisible();
  await page.goto("/calendar?view=agenda&date=2026-12-01");
  await expect(page.getByTestId("agenda-view").getByRole("heading", { name: "Wednesday, December 9, 2026" })).toBeVisible();
  await expect(page.getByTestId("agenda-view").getByRole("button", { name: /1:00 PM – 2:00 PM\s*Locale lunch/ })).toBeVisible();

  await page.goto("/calendar?view=week&date=2026-12-09&q=locale");
  await expect(page.getByRole("button", { name: /Wed, Dec 9, 2026 · 1:00 PM\s*Locale lunch/ })).toBeVisible();
  await page.getByRole("button", { name: /Locale lunch/ }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("event-span")).toHaveText("Wednesday, December 9, 2026, 1:00 PM – 2:00 PM");
  await dialog.getByRole("combobox", { name: "Repeat" }).selectOption("weekly");
  await expect(dialog.getByRole("group", { name: "On days" }).getByRole("checkbox").first()).toHaveAccessibleName("Sun");
  await shot(page, "locale-en-US-dialog");
  await page.keyboard.press("Escape");

  expect(hydrationErrors(american.errors)).toEqual([]);
});

test("a cs-CZ browser: Monday first, 24-hour clock, day before month, Czech names", async () => {
  const { page } = czech;
  await signUp(page, { name: "Karel Čapek", email: `cs-cz-${Date.now()}@example.com`, password: "formats password 2" });
  await addEvent(page, { title: "Oběd", weekOf: "2026-12-09", date: "2026-12-09", start: "13:00", end: "14:00" });

  await page.goto("/calendar?view=week&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "7.–13. 12. 2026" })).toBeVisible();
  const columns = week(page).locator("[data-column]");
  await expect(columns.first()).toHaveAttribute("data-column", "2026-12-07");
  await expect(columns.first()).toContainText("po");
  await expect(columns.last()).toHaveAttribute("data-column", "2026-12-13");
  await expect(week(page).getByText("13:00", { exact: true })).toBeVisible();
  await expect(week(page).getByText("1 PM", { exact: true })).toHaveCount(0);
  await expect(week(page).getByRole("button", { name: /Oběd.*13:00 – 14:00/ })).toBeVisible();
  const rendered = await serverText(page, "/calendar?view=week&date=2026-12-09");
  for (const text of ["7.–13. 12. 2026", ">13:00<", ">po<", "13:00 – 14:00"]) expect(rendered).toContain(text);
  await shot(page, "locale-cs-CZ-week");

  await page.goto("/calendar?view=month&date=2026-12-09");
  await expect(page.getByTestId("month-view").locator("[data-date]").first()).toHaveAttribute("data-date", "2026-11-30");
  await expect(page.getByRole("heading", { name: "prosinec 2026" })).toBeVisible();
  await page.goto("/calendar?view=day&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "středa 9. prosince 2026" })).toBeVisible();

  await page.goto("/calendar?view=week&date=2026-12-09&q=oběd");
  await expect(page.getByRole("button", { name: /st 9\. 12\. 2026 · 13:00\s*Oběd/ })).toBeVisible();
  await page.getByRole("button", { name: /Oběd/ }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("event-span")).toHaveText("středa 9. prosince 2026, 13:00 – 14:00");
  await dialog.getByRole("button", { name: "Delete…" }).click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog).toBeHidden();

  await page.goto("/calendar/recently-deleted");
  await expect(page.getByText("9. 12. 2026 13:00", { exact: true })).toBeVisible();
  await shot(page, "locale-cs-CZ-recently-deleted");

  expect(hydrationErrors(czech.errors)).toEqual([]);
});

test("the choice under Settings → Account wins over the browser's language, and 'from the browser' brings it back", async () => {
  // The en-US browser chooses Czech formats.
  const { page } = american;
  await page.goto("/settings/account");
  const locale = page.getByLabel("Date and time format");
  await expect(locale).toHaveValue("");
  await expect(locale.locator("option:checked")).toHaveText(/^From the browser: English \(United States\) — Wed, Dec 9, 2026, 1:30 PM$/);
  await expect(page.getByLabel("First day of the week").locator("option:checked")).toHaveText("As the format has it: Sunday");
  await locale.selectOption("cs-CZ");
  await page.getByRole("button", { name: "Save formats" }).click();
  await expect(page.getByText("Saved. The calendar now writes dates and times this way.")).toBeVisible();
  await expect(page.getByLabel("First day of the week").locator("option:checked")).toHaveText("As the format has it: Monday");
  await shot(page, "locale-settings-account");

  await page.goto("/calendar?view=week&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "7.–13. 12. 2026" })).toBeVisible();
  await expect(week(page).locator("[data-column]").first()).toHaveAttribute("data-column", "2026-12-07");
  await expect(week(page).getByText("13:00", { exact: true })).toBeVisible();
  await expect(week(page).getByRole("button", { name: /Locale lunch.*13:00 – 14:00/ })).toBeVisible();
  await shot(page, "locale-en-US-browser-czech-choice");

  // Only the first day chosen: the cs-CZ browser keeps its Czech dates on a week from Sunday.
  const other = czech.page;
  await other.goto("/settings/account");
  await other.getByLabel("First day of the week").selectOption("0");
  await other.getByRole("button", { name: "Save formats" }).click();
  await expect(other.getByText("Saved. The calendar now writes dates and times this way.")).toBeVisible();
  await other.goto("/calendar?view=week&date=2026-12-09");
  await expect(other.getByRole("heading", { name: "6.–12. 12. 2026" })).toBeVisible();
  await expect(week(other).locator("[data-column]").first()).toHaveAttribute("data-column", "2026-12-06");
  await expect(week(other).locator("[data-column]").first()).toContainText("ne");
  await expect(week(other).getByText("13:00", { exact: true })).toBeVisible();
  await other.goto("/calendar?view=month&date=2026-12-09");
  await expect(other.getByTestId("month-view").locator("[data-date]").first()).toHaveAttribute("data-date", "2026-11-29");
  await shot(other, "locale-cs-CZ-sunday-month");

  // Back to the browser's language: US formats again.
  await page.goto("/settings/account");
  await page.getByLabel("Date and time format").selectOption("");
  await page.getByRole("button", { name: "Save formats" }).click();
  await expect(page.getByText("Saved. The calendar now writes dates and times this way.")).toBeVisible();
  await page.goto("/calendar?view=week&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "December 6 – 12, 2026" })).toBeVisible();
  await expect(week(page).getByText("1 PM", { exact: true })).toBeVisible();

  expect(hydrationErrors([...american.errors, ...czech.errors])).toEqual([]);
});

const shows = (field: ReturnType<typeof dateField>) => expect.poll(() => fieldText(field));
/** The month of a date field's picker, opened from the field's calendar button. */
async function openPicker(page: Page, field: ReturnType<typeof dateField>) {
  await field.getByRole("button").click();
  const grid = page.getByRole("grid");
  await expect(grid).toBeVisible();
  return grid;
}

test("the event dialog's dates and times are typed in the chosen formats: 12-hour with AM/PM for en-US, day-month and 24-hour once chosen", async () => {
  const { page } = american;
  await page.goto("/calendar?view=week&date=2026-12-09");
  await page.getByRole("button", { name: "New event" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill("Clock talk");
  await shows(dateField(dialog, "Starts")).toBe("12/9/2026");
  await shows(dateField(dialog, "Start time")).toBe("9:00 AM");
  // Hours, minutes, then "p" for PM, typed as a person types them.
  await dateField(dialog, "Start time").locator("[data-type=hour]").click();
  await page.keyboard.type("0130p");
  await shows(dateField(dialog, "Start time")).toBe("1:30 PM");
  await dateField(dialog, "End time").locator("[data-type=hour]").click();
  await page.keyboard.type("0245p");
  await shows(dateField(dialog, "End time")).toBe("2:45 PM");
  // Arrow keys step a segment: the day from 9 to 10.
  await dateField(dialog, "Ends").locator("[data-type=day]").click();
  await page.keyboard.press("ArrowUp");
  await shows(dateField(dialog, "Ends")).toBe("12/10/2026");
  await expect(dialog.getByTestId("event-span")).toHaveText("Wednesday, December 9, 2026, 1:30 PM – Thursday, December 10, 2026, 2:45 PM");
  const usMonth = await openPicker(page, dateField(dialog, "Starts"));
  await expect(usMonth.locator("th").first()).toHaveText("Sun");
  await expect(usMonth.getByRole("gridcell").first()).toHaveAccessibleName("Sunday, November 29, 2026");
  await shot(page, "locale-en-US-dialog-picker");
  // Escape closes the picker and leaves the dialog open.
  await page.keyboard.press("Escape");
  await expect(usMonth).toBeHidden();
  await typeDate(dateField(dialog, "Ends"), "2026-12-09");
  await shot(page, "locale-en-US-dialog-fields");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(week(page).getByRole("button", { name: /Clock talk.*1:30 PM – 2:45 PM/ })).toBeVisible();

  // The same en-US browser chooses British formats: day before month, a 24-hour clock, Monday first.
  await page.goto("/settings/account");
  await page.getByLabel("Date and time format").selectOption("en-GB");
  await page.getByRole("button", { name: "Save formats" }).click();
  await expect(page.getByText("Saved. The calendar now writes dates and times this way.")).toBeVisible();
  await page.goto("/calendar?view=week&date=2026-12-09");
  await week(page).getByRole("button", { name: /Clock talk/ }).click();
  await shows(dateField(dialog, "Starts")).toBe("09/12/2026");
  await shows(dateField(dialog, "Start time")).toBe("13:30");
  await expect(dateField(dialog, "Start time").locator("[data-type=dayPeriod]")).toHaveCount(0);
  await dateField(dialog, "Starts").locator("[data-type=day]").click();
  await page.keyboard.type("10122026");
  await dateField(dialog, "Start time").locator("[data-type=hour]").click();
  await page.keyboard.type("1500");
  await typeDate(dateField(dialog, "Ends"), "2026-12-10");
  await typeDate(dateField(dialog, "End time"), "16:15");
  await shows(dateField(dialog, "Starts")).toBe("10/12/2026");
  await shows(dateField(dialog, "Start time")).toBe("15:00");
  await expect(dialog.getByTestId("event-span")).toHaveText("Thursday, 10 December 2026, 15:00 – 16:15");
  await shot(page, "locale-en-US-browser-british-dialog");
  const britishMonth = await openPicker(page, dateField(dialog, "Ends"));
  await expect(britishMonth.locator("th").first()).toHaveText("Mon");
  await expect(britishMonth.getByRole("gridcell").first()).toHaveAccessibleName("Monday, 30 November 2026");
  // A day picked from the month: Friday the 11th.
  await britishMonth.getByRole("button", { name: /11 December 2026/ }).click();
  await expect(britishMonth).toBeHidden();
  await shows(dateField(dialog, "Ends")).toBe("11/12/2026");
  await typeDate(dateField(dialog, "Ends"), "2026-12-10");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(week(page).locator('[data-date="2026-12-10"]').getByRole("button", { name: /Clock talk.*15:00 – 16:15/ })).toBeVisible();

  // The toolbar's "Go to date" too: typed day first, gone to on Enter; picked from a month, at once.
  const jump = dateField(page, "Go to date");
  await shows(jump).toBe("09/12/2026");
  await jump.locator("[data-type=day]").click();
  await page.keyboard.type("24122026");
  await expect(page).toHaveURL(/date=2026-12-09/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/view=week&date=2026-12-24$/);
  await expect(page.getByRole("heading", { name: "21 – 27 December 2026" })).toBeVisible();
  const jumpMonth = await openPicker(page, dateField(page, "Go to date"));
  await jumpMonth.getByRole("button", { name: /31 December 2026/ }).click();
  await expect(page).toHaveURL(/view=week&date=2026-12-31$/);
  await expect(page.getByRole("heading", { name: "28 December 2026 – 3 January 2027" })).toBeVisible();

  await page.goto("/settings/account");
  await page.getByLabel("Date and time format").selectOption("");
  await page.getByRole("button", { name: "Save formats" }).click();
  await expect(page.getByText("Saved. The calendar now writes dates and times this way.")).toBeVisible();
  expect(hydrationErrors(american.errors)).toEqual([]);
});

test("a cs-CZ browser with Sunday chosen types Czech dates on a phone, its picker's weeks from Sunday", async () => {
  const { page } = czech;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/calendar?view=week&date=2026-12-09");
  await page.getByRole("button", { name: "New event" }).click();
  const dialog = page.getByRole("dialog");
  await shows(dateField(dialog, "Starts")).toBe("9. 12. 2026");
  await shows(dateField(dialog, "Start time")).toBe("9:00");
  await typeDate(dateField(dialog, "End time"), "17:30");
  await shows(dateField(dialog, "End time")).toBe("17:30");
  await dialog.getByRole("combobox", { name: "Repeat" }).selectOption("weekly");
  await dialog.getByRole("combobox", { name: "Ends" }).selectOption("until");
  await shows(dateField(dialog, "Last date")).toBe("dd. mm. rrrr");
  await shot(page, "locale-cs-CZ-phone-dialog");
  await typeDate(dateField(dialog, "Last date"), "2027-01-31");
  await shows(dateField(dialog, "Last date")).toBe("31. 1. 2027");
  const month = await openPicker(page, dateField(dialog, "Starts"));
  await expect(month.locator("th").first()).toHaveText("ne");
  await expect(month.getByRole("gridcell").first()).toHaveAccessibleName(/^neděle 29\. listopadu 2026/);
  await shot(page, "locale-cs-CZ-phone-picker");
  await page.keyboard.press("Escape");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(hydrationErrors(czech.errors)).toEqual([]);
});

test("a browser whose Accept-Language says otherwise than navigator.language is drawn in navigator.language's formats", async ({ browser }) => {
  // A proxy (here: a header set on every request) tells the server "de-DE"; the browser itself speaks en-US.
  const context = await browser.newContext({ locale: "en-US", timezoneId: "Europe/Prague", extraHTTPHeaders: { "Accept-Language": "de-DE" } });
  const page = await context.newPage();
  try {
    await signUp(page, { name: "Proxy Person", email: `proxied-${Date.now()}@example.com`, password: "formats password 3" });
    await page.goto("/calendar?view=week&date=2026-12-09");
    await expect(page.getByRole("heading", { name: "December 6 – 12, 2026" })).toBeVisible();
    await expect(week(page).getByText("1 PM", { exact: true })).toBeVisible();
    expect((await context.cookies()).find((cookie) => cookie.name === "browser-locale")?.value).toBe("en-US");
    // From then on the server draws the first page in the browser's formats already.
    const html = await (await page.request.get("/calendar?view=week&date=2026-12-09")).text();
    expect(html).toContain("December 6 – 12, 2026");
  } finally {
    await context.close();
  }
});
