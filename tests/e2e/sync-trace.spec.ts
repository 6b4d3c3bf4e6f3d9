import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { accountCard, addEvent, shot as shotOf, signUp } from "./helpers";
import { google } from "./ports";

// An event's sync trace in its dialog, with three Google accounts against the fake Google: one
// that took the event, one that has not run since, and one whose server refused it.
test.describe.configure({ mode: "serial" });

const stamp = Date.now();
const email = `trace-${stamp}@example.com`;
const password = "sync trace pw 1";
const SYNCED = "alan.turing@gmail.com";
const WAITING = "grace.hopper@gmail.com";
const REFUSED = "katherine.johnson@gmail.com";
const TITLE = `Quarterly review ${String(stamp).slice(-4)}`;
const REASON = "The event has more attendees than the calendar allows";
const DAY = 86_400_000;
const date = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);

let page: Page;
const shot = (name: string) => shotOf(page, name);
const card = (login: string) => accountCard(page, "Google Calendar", login);

async function addGoogle(login: string) {
  await page.goto("/settings/sync/google");
  await page.getByLabel("Google Login").fill(login);
  await page.getByRole("button", { name: "Receive Google token" }).click();
  await page.getByLabel(login).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByRole("button", { name: "Create" }).click();
  await expect(card(login).getByText("Active")).toBeVisible();
}

async function syncNow(login: string, result: string) {
  await page.goto("/settings/sync");
  await card(login).getByRole("button", { name: "Sync now" }).click();
  await expect(card(login).getByRole("status")).toContainText(result);
}

async function openEvent() {
  await page.goto(`/calendar?view=week&date=${date}`);
  await page.getByRole("button", { name: new RegExp(TITLE) }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("sync-trace")).toBeVisible();
  return dialog;
}

test.beforeAll(async ({ browser }) => {
  // axe needs a page of a context of its own.
  page = await (await browser.newContext()).newPage();
});

test.afterAll(async () => {
  await page.context().close();
});

test("three accounts: the event is synced in one, waiting for another, refused by the third with the server's reason", async () => {
  await signUp(page, { name: "Trace User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  for (const login of [SYNCED, WAITING, REFUSED]) await addGoogle(login);
  await addEvent(page, { title: TITLE, weekOf: date, date, start: "10:00", end: "11:00" });

  await syncNow(SYNCED, "to Google: 1 created");
  await page.request.post(`${google}/__control/refuse`, { data: { summary: TITLE, message: REASON } });
  await syncNow(REFUSED, "1 event refused by Google");
  await expect(card(REFUSED).getByTestId("refused-events")).toHaveText("1 event could not be copied — see it");
  await shot("trace-account-card-refused");

  const dialog = await openEvent();
  const rows = dialog.getByTestId("trace-account");
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: SYNCED })).toContainText("Synced");
  await expect(rows.filter({ hasText: SYNCED })).toContainText("Copied, written just now.");
  await expect(rows.filter({ hasText: WAITING })).toContainText("Waiting");
  await expect(rows.filter({ hasText: WAITING })).toContainText("Not copied yet: the next run copies it there.");
  await expect(rows.filter({ hasText: REFUSED })).toContainText("Refused");
  await expect(rows.filter({ hasText: REFUSED })).toContainText(`Google rejected this event: ${REASON}`);
  await expect(rows.filter({ hasText: REFUSED })).toContainText("Change the event and the next run tries again");
  await expect(dialog.getByTestId("sync-trace")).toContainText("Made in Atollon");
  await dialog.getByText("Last sync actions (1)").click();
  await expect(dialog.getByTestId("sync-trace").getByRole("listitem").last()).toContainText(/Created in Google · alan\.turing@gmail\.com.*Sync now/);
  await dialog.getByTestId("sync-trace").scrollIntoViewIfNeeded();
  await shot("trace-dialog-desktop");
  const { violations } = await new AxeBuilder({ page }).include('[role="dialog"]').analyze();
  expect(violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id)).toEqual([]);

  await page.setViewportSize({ width: 390, height: 844 });
  const phone = await openEvent();
  await phone.getByTestId("sync-trace").scrollIntoViewIfNeeded();
  await shot("trace-dialog-phone");
  await page.setViewportSize({ width: 1440, height: 900 });
});

test("the refused list names the event and the reason; a change makes the next run try again, and it is taken", async () => {
  await page.goto("/settings/sync");
  await card(REFUSED).getByRole("link", { name: "see it" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\/refused#account-/);
  const list = page.getByRole("region", { name: `Google · ${REFUSED}` });
  await expect(list.getByRole("link", { name: TITLE })).toBeVisible();
  await expect(list).toContainText(REASON);
  await shot("trace-refused-list");

  const dialog = await openEvent();
  await dialog.getByLabel("Title").fill(`${TITLE} (short list)`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await syncNow(REFUSED, "to Google: 1 created");
  await expect(card(REFUSED).getByTestId("refused-events")).toHaveCount(0);
});
