import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";

/** A full-page screenshot among the test's outputs. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

export async function signUp(page: Page, user: { name: string; email: string; password: string }): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/calendar$/);
}

/** The card of one account under Settings → Synchronization. */
export const accountCard = (page: Page, name: string, login: string) => page.getByRole("listitem", { name: `${name} account ${login}` });

/** Creates a one-day timed event through the calendar's dialog, in the week that shows `date`. */
export async function addEvent(page: Page, event: { title: string; weekOf: string; date: string; start: string; end: string }): Promise<void> {
  await page.goto(`/calendar?view=week&date=${event.weekOf}`);
  await page.getByRole("button", { name: "New event" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill(event.title);
  await typeDate(dateField(dialog, "Starts"), event.date);
  await typeDate(dateField(dialog, "Start time"), event.start);
  await typeDate(dateField(dialog, "Ends"), event.date);
  await typeDate(dateField(dialog, "End time"), event.end);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}

/** A date or time field (the dialog's "Starts", "Start time" …): a group of segments named by its label. */
export const dateField = (scope: Page | Locator, label: string) => scope.getByRole("group", { name: label, exact: true });

/** What a date or time field shows, as a person reads it ("09/12/2026", "1:00 PM"). */
export async function fieldText(field: Locator): Promise<string> {
  const text = await field.locator("[data-type]").allTextContents();
  // The fields isolate numbers from the text around them (U+2066…U+2069) and ICU puts narrow spaces before AM/PM.
  return text.join("").replace(/[\u2066-\u2069]/g, "").replace(/[\u00a0\u202f]/g, " ");
}

/**
 * Types a date (`YYYY-MM-DD`) or a time (`HH:MM`) into a field with the keyboard, segment by segment
 * in whatever order the field's locale puts them, as a person would.
 */
export async function typeDate(field: Locator, value: string): Promise<void> {
  const segments = field.locator("[data-type]:not([data-type=literal])");
  const types = await segments.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-type")));
  const [first, second, third] = value.split(/[-:]/);
  const parts: Record<string, string> = value.includes(":") ? { hour: first ?? "", minute: second ?? "" } : { year: first ?? "", month: second ?? "", day: third ?? "" };
  const hour = Number(parts.hour);
  const keys = types.map((type) => {
    if (type === "dayPeriod") return hour < 12 ? "a" : "p";
    if (type === "hour" && types.includes("dayPeriod")) return String(hour % 12 || 12).padStart(2, "0");
    return parts[type ?? ""] ?? "";
  });
  await segments.first().click();
  await field.page().keyboard.type(keys.join(""));
  await expect(segments.last()).not.toHaveAttribute("data-placeholder");
}

/** axe-core on the page as it is now: no serious or critical violation; `where` names it in the report. */
export async function expectNoSeriousViolationsHere(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${where}: ${violation.id} (${violation.impact}) — ${violation.help}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);
}

/** axe-core on the page at `path`, once it has loaded. */
export async function expectNoSeriousViolations(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  await expectNoSeriousViolationsHere(page, path);
}
