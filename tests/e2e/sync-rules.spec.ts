import { expect, test, type Page } from "@playwright/test";
import { accountCard, addEvent, shot as shotOf, signUp } from "./helpers";
import { google } from "./ports";

// Choosing the calendar and the rules of a Google account, against the fake Google.
test.describe.configure({ mode: "serial" });

const stamp = Date.now();
const email = `rules-${stamp}@example.com`;
const password = "sync rules pw 1";
const KATHERINE = "katherine.johnson@gmail.com";
const TEAM = `team-${stamp}@group.calendar.google.com`;
const DAY = 86_400_000;
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

let page: Page;
const shot = (name: string) => shotOf(page, name);
const card = () => accountCard(page, "Google Calendar", KATHERINE);
const teamItems = async () =>
  ((await (await page.request.get(`${google}/__control/events?email=${encodeURIComponent(TEAM)}`)).json()) as { items: { id: string; summary?: string; description?: string; location?: string; attendees?: unknown[]; status: string }[] }).items.filter(
    (item) => item.status !== "cancelled",
  );

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await page.request.post(`${google}/__control/calendars`, { data: { id: TEAM, summary: `Team ${stamp}`, roles: { [KATHERINE]: "writer" } } });
  await page.request.post(`${google}/__control/calendars`, { data: { id: `holidays-${stamp}@group.calendar.google.com`, summary: "Holidays", roles: { [KATHERINE]: "reader" } } });
});

test.afterAll(async () => {
  await page.close();
});

test("a secondary Google calendar is chosen at Create and shown on the account card", async () => {
  await signUp(page, { name: "Rules User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await page.getByRole("link", { name: "Add Google Calendar" }).click();
  await page.getByLabel("Google Login").fill(KATHERINE);
  await page.getByRole("button", { name: "Receive Google token" }).click();
  await page.getByLabel(KATHERINE).check();
  await page.getByRole("button", { name: "Allow" }).click();
  const calendar = page.getByLabel("Calendar to sync");
  // The default calendar is preselected; a calendar the account may only read is not offered.
  await expect(calendar).toHaveValue(KATHERINE);
  await expect(calendar.locator("option")).toHaveText([`${KATHERINE} (default)`, `Team ${stamp}`]);
  await calendar.selectOption(TEAM);
  await shot("rules-create-choose-calendar");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(card().getByText("Active")).toBeVisible();
  await expect(card().getByText(`Team ${stamp}`)).toBeVisible();
  await expect(card().getByTestId("rules-summary")).toHaveText("Both ways · everything");
});

test('"Busy only" to Google for the next 30 days: the copies say Busy and nothing else, and an edited copy is restored', async () => {
  await addEvent(page, { title: "Salary review", weekOf: dayFromNow(2), date: dayFromNow(2), start: "10:00", end: "11:00" });
  await addEvent(page, { title: "Conference", weekOf: dayFromNow(45), date: dayFromNow(45), start: "09:00", end: "17:00" });

  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Edit rules…" }).click();
  const form = card().getByRole("form", { name: "Rules for Google Calendar" });
  await form.getByLabel("Copied to Google Calendar").selectOption("busy");
  await form.getByLabel("Days in the past").fill("0");
  await form.getByLabel("Days in the future").fill("30");
  await shot("rules-form");
  await form.getByRole("button", { name: "Save rules" }).click();
  await expect(card().getByTestId("rules-summary")).toHaveText('Both ways · "Busy" only to Google · next 30 days');

  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("to Google: 1 created");
  const [copy, ...others] = await teamItems();
  expect(others).toEqual([]);
  expect(copy).toMatchObject({ summary: "Busy" });
  expect(copy?.description ?? "").toBe("");
  expect(copy?.location ?? "").toBe("");
  expect(copy?.attendees ?? []).toEqual([]);
  await shot("rules-card");

  await page.request.post(`${google}/__control/patch?email=${encodeURIComponent(TEAM)}`, { data: [{ id: copy?.id, change: { summary: "Salary review (leaked)" } }] });
  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("1 copy changed in Google or Atollon restored from the original");
  expect((await teamItems()).map((item) => item.summary)).toEqual(["Busy"]);
  await page.goto(`/calendar?view=week&date=${dayFromNow(2)}`);
  await expect(page.getByRole("button", { name: /Salary review/ })).toBeVisible();
});
