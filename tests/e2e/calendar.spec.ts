import { expect, test, type Page } from "@playwright/test";
import { dateField, typeDate } from "./helpers";

// The week of Monday 7 December 2026, in Prague time (the browser's zone becomes the user's).
test.use({ timezoneId: "Europe/Prague" });
test.describe.configure({ mode: "serial" });

const email = `calendar-${Date.now()}@example.com`;
const password = "calendar password 1";
const WEEK = "/calendar?view=week&date=2026-12-07";

async function signUp(page: Page) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Cal Endar");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/calendar$/);
}

async function signIn(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/calendar$/);
}

function dialog(page: Page) {
  return page.getByRole("dialog");
}

async function newEvent(page: Page, fill: (dialog: ReturnType<typeof page.getByRole>) => Promise<void>) {
  await page.getByRole("button", { name: "New event" }).click();
  const form = dialog(page);
  await expect(form.getByRole("heading", { name: "New event" })).toBeVisible();
  await fill(form);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toBeHidden();
}

const day = (page: Page, date: string) => page.getByTestId("week-view").locator(`[data-date="${date}"]`);

test("creates timed, all-day and weekly events, edits one occurrence, deletes the series", async ({ page }, testInfo) => {
  await signUp(page);
  await page.goto(WEEK);
  await expect(page.getByRole("heading", { name: "7 – 13 December 2026" })).toBeVisible();
  await expect(page.getByText("Times in Europe/Prague")).toBeVisible();

  // Validation: no title, end before start.
  await page.getByRole("button", { name: "New event" }).click();
  await typeDate(dateField(dialog(page), "Starts"), "2026-12-08");
  await typeDate(dateField(dialog(page), "Ends"), "2026-12-07");
  await dialog(page).getByRole("button", { name: "Save" }).click();
  await expect(dialog(page).getByText("Enter a title.")).toBeVisible();
  await expect(dialog(page).getByText("The event ends before it starts.")).toBeVisible();
  await dialog(page).getByRole("button", { name: "Cancel" }).click();

  await newEvent(page, async (form) => {
    await form.getByLabel("Title").fill("Design review");
    await typeDate(dateField(form, "Starts"), "2026-12-08");
    await typeDate(dateField(form, "Start time"), "10:00");
    await typeDate(dateField(form, "Ends"), "2026-12-08");
    await typeDate(dateField(form, "End time"), "11:30");
    await form.getByLabel("Location").fill("Room 4");
  });
  await expect(day(page, "2026-12-08").getByRole("button", { name: /Design review.*10:00 – 11:30 · Room 4/ })).toBeVisible();

  await newEvent(page, async (form) => {
    await form.getByLabel("Title").fill("Company offsite");
    await form.getByLabel("All day").check();
    await typeDate(dateField(form, "Starts"), "2026-12-10");
    await typeDate(dateField(form, "Ends"), "2026-12-11");
  });
  const allDayRow = page.getByLabel("All-day events");
  await expect(allDayRow.getByRole("button", { name: "Company offsite" })).toHaveCount(2);

  await newEvent(page, async (form) => {
    await form.getByLabel("Title").fill("Standup");
    await typeDate(dateField(form, "Starts"), "2026-12-07");
    await typeDate(dateField(form, "Start time"), "09:00");
    await typeDate(dateField(form, "Ends"), "2026-12-07");
    await typeDate(dateField(form, "End time"), "09:15");
    await form.getByRole("combobox", { name: "Repeat" }).selectOption("weekly");
    // The start's weekday comes preselected, and the summary reads the rule back.
    await expect(form.getByLabel("Mon")).toBeChecked();
    await expect(form.getByTestId("repeat-summary")).toHaveText("Every week on Mon");
    for (const weekday of ["Wed", "Fri"]) await form.getByLabel(weekday).check();
    await form.getByLabel("Every").fill("2");
    await form.getByRole("combobox", { name: "Ends" }).selectOption("count");
    await form.getByLabel("Occurrences").fill("10");
    await expect(form.getByTestId("repeat-summary")).toHaveText("Every 2 weeks on Mon, Wed and Fri, 10 times");
    await page.screenshot({ path: testInfo.outputPath("recurrence-summary.png") });
    await form.getByLabel("Every").fill("1");
    await form.getByRole("combobox", { name: "Ends" }).selectOption("never");
    await expect(form.getByTestId("repeat-summary")).toHaveText("Every week on Mon, Wed and Fri");
  });
  for (const date of ["2026-12-07", "2026-12-09", "2026-12-11"]) {
    await expect(day(page, date).getByRole("button", { name: /^Repeats: Standup/ })).toBeVisible();
  }
  await expect(day(page, "2026-12-08").getByRole("button", { name: /Standup/ })).toHaveCount(0);

  // Edit Wednesday's occurrence only.
  await day(page, "2026-12-09").getByRole("button", { name: /Standup/ }).click();
  await expect(dialog(page).getByText("This is a repeating event. Apply to")).toBeVisible();
  await dialog(page).getByLabel("Title").fill("Standup (moved)");
  await typeDate(dateField(dialog(page), "Start time"), "14:00");
  await typeDate(dateField(dialog(page), "End time"), "14:30");
  await dialog(page).getByLabel("This event").check();
  await dialog(page).getByRole("button", { name: "Save" }).click();
  await expect(dialog(page)).toBeHidden();
  await expect(day(page, "2026-12-09").getByRole("button", { name: /Standup \(moved\).*14:00 – 14:30/ })).toBeVisible();
  await expect(day(page, "2026-12-07").getByRole("button", { name: /^Repeats: Standup\s*09:00/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("calendar-week.png"), fullPage: true });

  // The next week still repeats.
  await page.getByRole("link", { name: "Next week" }).click();
  await expect(page.getByRole("heading", { name: "14 – 20 December 2026" })).toBeVisible();
  await expect(page.getByTestId("week-view").getByRole("button", { name: /Standup/ })).toHaveCount(3);

  await page.getByRole("link", { name: "Month" }).click();
  await expect(page.getByRole("heading", { name: "December 2026", exact: true })).toBeVisible();
  const month = page.getByTestId("month-view");
  await expect(month.locator('[data-date="2026-12-08"]').getByRole("button", { name: /10:00\s*Design review/ })).toBeVisible();
  await expect(month.locator('[data-date="2026-12-10"]').getByRole("button", { name: "Company offsite" })).toBeVisible();
  await expect(month.getByRole("button", { name: /Standup/ })).toHaveCount(15);
  await page.screenshot({ path: testInfo.outputPath("calendar-month.png"), fullPage: true });

  // Reload: the same calendar comes back from the server.
  await page.reload();
  await expect(month.getByRole("button", { name: /Standup/ })).toHaveCount(15);
  await expect(month.getByRole("button", { name: /Standup \(moved\)/ })).toHaveCount(1);

  // Delete the whole series from one of its occurrences: the edited one goes with it.
  await page.goto(WEEK);
  await day(page, "2026-12-07").getByRole("button", { name: /Standup/ }).click();
  await dialog(page).getByLabel("All events").check();
  await dialog(page).getByRole("button", { name: "Delete…" }).click();
  await dialog(page).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog(page)).toBeHidden();
  await expect(page.getByTestId("week-view").getByRole("button", { name: /Standup/ })).toHaveCount(0);
  await expect(day(page, "2026-12-08").getByRole("button", { name: /Design review/ })).toBeVisible();
});

test("keeps the calendar across sign-out and sign-in", async ({ page }) => {
  await signIn(page);
  await page.goto(WEEK);
  await expect(day(page, "2026-12-08").getByRole("button", { name: /Design review/ })).toBeVisible();
  await expect(page.getByLabel("All-day events").getByRole("button", { name: "Company offsite" })).toHaveCount(2);
});

test("places events in the time zone the user chooses, all-day events on their dates", async ({ page }) => {
  await signIn(page);
  await page.goto("/settings/account");
  await page.getByRole("combobox", { name: "Time zone" }).selectOption("America/New_York");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByText("The calendar now shows times in America/New York.")).toBeVisible();
  await page.goto(WEEK);
  await expect(page.getByText("Times in America/New York")).toBeVisible();
  await expect(day(page, "2026-12-08").getByRole("button", { name: /Design review.*04:00 – 05:30/ })).toBeVisible();
  await expect(page.getByLabel("All-day events").locator('[data-date="2026-12-10"]').getByRole("button", { name: "Company offsite" })).toBeVisible();
});
