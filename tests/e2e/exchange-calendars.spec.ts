import { expect, test, type Page } from "@playwright/test";
import { accountCard, addEvent, shot as shotOf, signUp } from "./helpers";
import { ewsUrl, fakeExchanges } from "./ports";

// Which calendar an MS Exchange account syncs: chosen after the connection test, shown on the card,
// and changed with "Change calendar…", against a fake Exchange whose mailbox has several calendars.
test.describe.configure({ mode: "serial" });

const stamp = Date.now();
const email = `exchange-calendars-${stamp}@example.com`;
const password = "exchange calendars pw 1";
const LOGIN = "CONTOSO\\alice";
const control = `http://127.0.0.1:${fakeExchanges.calendars.control}`;
const DAY = 86_400_000;
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const CALENDAR = "AAMkAGFakeCalendar";

let page: Page;
let team: { id: string; name: string };
const shot = (name: string) => shotOf(page, name);
const card = () => accountCard(page, "MS Exchange", LOGIN);
const subjectsIn = async (folder: string) => ((await (await page.request.get(`${control}/items?folder=${encodeURIComponent(folder)}`)).json()) as { items: { subject: string }[] }).items.map((item) => item.subject).sort();

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  team = (await (await page.request.post(`${control}/folders`, { data: { name: `Team ${stamp}` } })).json()) as { id: string; name: string };
  await page.request.post(`${control}/folders`, { data: { name: "Birthdays", folderClass: "IPF.Appointment.Birthday" } });
});

test.afterAll(async () => {
  await page.close();
});

test("the connection test lists the mailbox's calendars, the default preselected, and the one chosen is on the card", async () => {
  await signUp(page, { name: "Exchange Calendars", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await page.getByRole("link", { name: "Add MS Exchange" }).click();
  await page.getByLabel("Login").fill(LOGIN);
  await page.getByLabel("Server", { exact: true }).fill(ewsUrl(fakeExchanges.calendars));
  await page.getByLabel("Password").fill("secret");
  await page.getByRole("button", { name: "Create" }).click();

  await expect(page.getByText("This mailbox has several calendars")).toBeVisible();
  const calendar = page.getByLabel("Calendar to sync");
  await expect(calendar).toHaveValue(CALENDAR);
  // Birthdays is a calendar of Outlook's own, not one a person writes to: not offered.
  await expect(calendar.locator("option")).toHaveText(["Calendar (default)", `Team ${stamp}`]);
  await calendar.selectOption(team.id);
  await shot("exchange-create-choose-calendar");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-ews$/);
  await expect(card().getByText("Active")).toBeVisible();
  await expect(card().getByText(`Team ${stamp}`)).toBeVisible();
  await shot("exchange-card-team-calendar");
});

test("Sync now writes into the chosen calendar only; Change calendar… back to the default removes the copies there", async () => {
  await page.request.post(`${control}/items`, { data: { folder: team.id, subject: "Team retro", start: `${dayFromNow(3)}T09:00:00Z`, end: `${dayFromNow(3)}T10:00:00Z`, startTimeZone: "UTC", endTimeZone: "UTC" } });
  await addEvent(page, { title: "Roadmap review", weekOf: dayFromNow(2), date: dayFromNow(2), start: "14:00", end: "15:00" });
  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("From Exchange: 1 created, 0 updated, 0 deleted; to Exchange: 1 created, 0 updated, 0 deleted");
  expect(await subjectsIn(team.id)).toEqual(["Roadmap review", "Team retro"]);
  expect(await subjectsIn(CALENDAR)).toEqual([]);

  await card().getByRole("button", { name: "Change calendar…" }).click();
  await card().getByRole("button", { name: "Show my MS Exchange calendars" }).click();
  const picker = card().getByRole("group", { name: "MS Exchange calendar" });
  // The calendar synced now is preselected; every calendar it can write is offered.
  await expect(picker.getByRole("combobox")).toHaveValue(team.id);
  await expect(picker.getByRole("option")).toHaveText(["Calendar (default)", `Team ${stamp}`]);
  await picker.getByRole("combobox").selectOption(CALENDAR);
  await picker.getByLabel("remove them").check();
  await shot("exchange-change-calendar");
  await picker.getByRole("button", { name: "Use this calendar" }).click();
  await expect(picker).toBeHidden();
  await expect(card().locator("dd").first()).toHaveText(/^Calendar/);
  // The copy the account made in Team is gone; Team's own event stays there.
  expect(await subjectsIn(team.id)).toEqual(["Team retro"]);

  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("to Exchange: 2 created");
  expect(await subjectsIn(CALENDAR)).toEqual(["Roadmap review", "Team retro"]);
  await shot("exchange-card-default-calendar");

  // Nothing doubled in Atollon: each event once in its week.
  await page.goto(`/calendar?view=week&date=${dayFromNow(2)}`);
  await expect(page.getByRole("button", { name: /Roadmap review/ })).toHaveCount(1);
  await page.goto(`/calendar?view=week&date=${dayFromNow(3)}`);
  await expect(page.getByRole("button", { name: /Team retro/ })).toHaveCount(1);
});
