import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { addEvent, shot, signUp } from "./helpers";

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
