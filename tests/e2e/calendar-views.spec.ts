import { expect, test, type Page } from "@playwright/test";
import { addEvent, shot, signUp } from "./helpers";

// Day, week, month and agenda, each in the address; the week on a phone; the current-time line.
test.use({ timezoneId: "Europe/Prague" });
test.describe.configure({ mode: "serial" });

const email = `views-${Date.now()}@example.com`;
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ timezoneId: "Europe/Prague", viewport: { width: 1440, height: 900 } });
});

test.afterAll(async () => {
  await page.close();
});

test("day, week, month and agenda views, each kept in the address, with a line at the current time", async () => {
  await signUp(page, { name: "View Finder", email, password: "views password 1" });
  await addEvent(page, { title: "Roadmap workshop", weekOf: "2026-12-07", date: "2026-12-09", start: "10:00", end: "11:30" });
  await addEvent(page, { title: "Dentist", weekOf: "2026-12-07", date: "2026-12-22", start: "08:00", end: "08:30" });

  await page.goto("/calendar?view=day&date=2026-12-09");
  await expect(page.getByRole("heading", { name: "Wednesday 9 December 2026" })).toBeVisible();
  await expect(page.getByTestId("day-view").getByRole("button", { name: /Roadmap workshop.*10:00 – 11:30/ })).toBeVisible();
  await shot(page, "view-day");
  await page.getByRole("link", { name: "Next day" }).click();
  await expect(page).toHaveURL(/view=day&date=2026-12-10$/);
  await expect(page.getByRole("heading", { name: "Thursday 10 December 2026" })).toBeVisible();
  await expect(page.getByTestId("day-view").getByRole("button", { name: /Roadmap workshop/ })).toHaveCount(0);

  await page.getByRole("group", { name: "View" }).getByRole("link", { name: "Week" }).click();
  await expect(page).toHaveURL(/view=week&date=2026-12-10$/);
  await expect(page.getByRole("heading", { name: "7 – 13 December 2026" })).toBeVisible();
  await shot(page, "view-week");

  await page.getByRole("group", { name: "View" }).getByRole("link", { name: "Agenda" }).click();
  await expect(page).toHaveURL(/view=agenda&date=2026-12-10$/);
  const agenda = page.getByTestId("agenda-view");
  await expect(agenda.getByRole("heading", { name: "Tuesday 22 December 2026" })).toBeVisible();
  await expect(agenda.getByRole("button", { name: /08:00 – 08:30\s*Dentist/ })).toBeVisible();
  // The agenda lists from its date on: the 9th is behind it.
  await expect(agenda.getByRole("button", { name: /Roadmap workshop/ })).toHaveCount(0);
  await shot(page, "view-agenda");
  await agenda.getByRole("button", { name: /Dentist/ }).click();
  await expect(page.getByRole("dialog").getByLabel("Title")).toHaveValue("Dentist");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await expect(agenda.getByRole("button", { name: /Dentist/ })).toBeVisible();

  await page.getByRole("group", { name: "View" }).getByRole("link", { name: "Month" }).click();
  await expect(page.getByRole("heading", { name: "December 2026" })).toBeVisible();
  await page.getByTestId("month-view").locator('[data-date="2026-12-22"]').getByRole("button", { name: /Dentist/ }).click();
  await expect(page.getByRole("dialog").getByLabel("Title")).toHaveValue("Dentist");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // Today, in the day and the week: one red line, in today's column.
  await page.goto("/calendar?view=day");
  await expect(page.getByTestId("day-view").getByTestId("now-line")).toHaveCount(1);
  await page.goto("/calendar?view=week");
  const line = page.getByTestId("week-view").getByTestId("now-line");
  await expect(line).toHaveCount(1);
  const today = await page.getByTestId("week-view").locator('[aria-current="date"]').getAttribute("data-column");
  await expect(page.getByTestId("week-view").locator(`[data-date="${today}"]`).getByTestId("now-line")).toHaveCount(1);
  await shot(page, "view-week-now-line");
});

test("on a phone the agenda opens by default and the week shows three days at a time, paging sideways by day", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/calendar\?view=agenda&date=\d{4}-\d{2}-\d{2}$/);
  await expect(page.getByTestId("agenda-view")).toBeVisible();
  await page.goto("/calendar?view=agenda&date=2026-12-01");
  await shot(page, "phone-agenda");

  await page.goto("/calendar?view=week&date=2026-12-09");
  const week = page.getByTestId("week-view");
  const wednesday = week.locator('[data-column="2026-12-09"]');
  const box = await wednesday.boundingBox();
  expect(box?.width).toBeGreaterThan(95);
  // The anchored day is in view; Sunday is a swipe away, and the hours stay put beside it.
  await expect(wednesday).toBeInViewport();
  const sunday = week.locator('[data-column="2026-12-13"]');
  await expect(sunday).not.toBeInViewport();
  await expect(week.getByRole("button", { name: /Roadmap workshop/ })).toBeInViewport();
  await shot(page, "phone-week");
  await week.locator('[data-column="2026-12-13"]').scrollIntoViewIfNeeded();
  await expect(sunday).toBeInViewport();
  await shot(page, "phone-week-swiped");
  await page.setViewportSize({ width: 1440, height: 900 });
});
