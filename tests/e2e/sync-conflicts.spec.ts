import { expect, test, type Page } from "@playwright/test";
import { accountCard, addEvent, expectNoSeriousViolations, shot as shotOf, signUp } from "./helpers";
import { google } from "./ports";

// Conflicts as a person meets and settles them: one user and one Google account (a calendar of its
// own in the fake Google) through every step; each step's edits start from where the last one left.
test.describe.configure({ mode: "serial" });

const stamp = Date.now();
const email = `conflicts-${stamp}@example.com`;
const password = "conflicts pw 1";
const ALAN = "alan.turing@gmail.com";
const CALENDAR = `conflicts-${stamp}@group.calendar.google.com`;
const WEEK = "/calendar?view=week&date=2026-12-07";
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const IDLE = /From Google: 0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted \(/;

let page: Page;
const shot = (name: string) => shotOf(page, name);
const card = () => accountCard(page, "Google Calendar", ALAN);
const conflict = (title: string) => page.getByRole("article", { name: `Conflict: ${title}` });
const badge = () => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Conflicts/ });

type Item = { id: string; summary?: string; status: string };
const googleItems = async () =>
  ((await (await page.request.get(`${google}/__control/events?email=${encodeURIComponent(CALENDAR)}`)).json()) as { items: Item[] }).items.filter((item) => item.status !== "cancelled");
const googleTitles = async () => (await googleItems()).map((item) => item.summary ?? "").sort();

/** The titles the person sees in the week of the event, in the app's calendar. */
async function atollonTitles(): Promise<string[]> {
  await page.goto(WEEK);
  const events = page.getByTestId("week-view").getByRole("button", { name: /^Budget review/ });
  await expect(events.first()).toBeVisible();
  return (await events.evaluateAll((buttons) => buttons.map((button) => button.firstElementChild?.textContent ?? ""))).sort();
}

/** Sync now on the account card; returns what the run says it did. */
async function syncNow(): Promise<string> {
  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Sync now" }).click();
  const status = card().getByRole("status");
  await expect(status).toContainText(/From Google: .*\)\./);
  return (await status.textContent()) ?? "";
}

/** The same event's title changed in Atollon (in the dialog) and then in Google, to different values. */
async function changeOnBothSides(from: string, atollon: string, theirs: string) {
  await page.goto(WEEK);
  await page.getByTestId("week-view").getByRole("button", { name: new RegExp(`^${from.replace(/[()]/g, "\\$&")}`) }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill(atollon);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  const item = (await googleItems()).find((candidate) => candidate.summary === from);
  if (!item) throw new Error(`no "${from}" in Google`);
  await page.request.post(`${google}/__control/patch?email=${encodeURIComponent(CALENDAR)}`, { data: [{ id: item.id, change: { summary: theirs } }] });
}

async function choosePolicy(label: string) {
  await page.goto("/settings/sync");
  await card().getByRole("combobox", { name: "When an event changed on both sides" }).selectOption({ label });
  await expect(card().getByRole("status")).toContainText(`Saved. From the next sync on: ${label}.`);
}

/** The page at both sizes, audited by axe, with a screenshot of each. */
async function capture(name: string) {
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await expectNoSeriousViolations(page, "/settings/sync/conflicts");
    await shot(`${name}-${size}`);
  }
  await page.setViewportSize(DESKTOP);
}

test.beforeAll(async ({ browser }) => {
  // axe needs a page of a context the test made itself.
  page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await page.request.post(`${google}/__control/calendars`, { data: { id: CALENDAR, summary: `Conflicts ${stamp}`, roles: { [ALAN]: "writer" } } });
});

test.afterAll(async () => {
  await page.context().close();
});

test("a Google account under “Ask me” with one event synced", async () => {
  await signUp(page, { name: "Conflict User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await page.getByRole("link", { name: "Add Google Calendar" }).click();
  await page.getByLabel("Google Login").fill(ALAN);
  await page.getByRole("button", { name: "Receive Google token" }).click();
  await page.getByLabel(ALAN).check();
  await page.getByRole("button", { name: "Allow" }).click();
  const calendar = page.getByLabel("Calendar to sync");
  // The list is filled in once Google answered; until then the default calendar is all it holds.
  await expect(calendar.locator("option")).toHaveCount(2);
  await calendar.selectOption(CALENDAR);
  await expect(calendar).toHaveValue(CALENDAR);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(card().getByText("Active")).toBeVisible();
  await choosePolicy("Ask me");

  await addEvent(page, { title: "Budget review", weekOf: "2026-12-07", date: "2026-12-09", start: "10:00", end: "11:00" });
  expect(await syncNow()).toContain("to Google: 1 created");
  expect(await googleTitles()).toEqual(["Budget review"]);
  await expect(badge()).toHaveCount(0);
});

test("changed on both sides: the badge counts it, neither side changes, and the page shows both versions side by side", async () => {
  await changeOnBothSides("Budget review", "Budget review (Atollon)", "Budget review (Google)");
  expect(await syncNow()).toContain("1 conflict waiting for you");
  await expect(badge()).toHaveAccessibleName("Conflicts 1 conflict waits for you");
  // As long as it stays open, runs leave both sides as they are.
  expect(await syncNow()).toMatch(IDLE);
  expect(await atollonTitles()).toEqual(["Budget review (Atollon)"]);
  expect(await googleTitles()).toEqual(["Budget review (Google)"]);

  await badge().click();
  await expect(page).toHaveURL(/\/settings\/sync\/conflicts$/);
  const open = page.getByRole("region", { name: "Waiting for you" });
  const card = open.getByRole("article", { name: "Conflict: Budget review (Atollon)" });
  await expect(card.getByRole("columnheader")).toHaveText(["Field", "Atollon", "Google"]);
  const title = card.getByRole("row", { name: /^Title/ });
  await expect(title).toHaveAttribute("data-differs", "true");
  await expect(title.getByRole("cell")).toHaveText(["Budget review (Atollon)", "Budget review (Google)"]);
  // Only the title differs: the rows that identify the event are shown, not marked.
  await expect(card.locator("tr[data-differs]")).toHaveCount(1);
  await expect(card.getByRole("row", { name: /^Starts/ })).not.toHaveAttribute("data-differs");
  await capture("conflict-side-by-side");
});

test("Keep Atollon's is carried out by the next run; Undo puts theirs back", async () => {
  await conflict("Budget review (Atollon)").getByRole("button", { name: "Keep Atollon's" }).click();
  // Chosen, it waits for the next run; the badge counts only what waits for the person.
  await expect(conflict("Budget review (Atollon)")).toContainText("You chose Atollon's version: the next sync carries it out.");
  await expect(conflict("Budget review (Atollon)").getByRole("columnheader")).toHaveText(["Field", "Atollonchosen", "Google"]);
  await expect(badge()).toHaveCount(0);
  expect(await googleTitles()).toEqual(["Budget review (Google)"]);

  expect(await syncNow()).toContain("to Google: 0 created, 1 updated, 0 deleted; 1 conflict settled as you chose");
  expect(await atollonTitles()).toEqual(["Budget review (Atollon)"]);
  expect(await googleTitles()).toEqual(["Budget review (Atollon)"]);
  await page.goto("/settings/sync/conflicts");
  const settled = page.getByRole("region", { name: "Recently settled" }).getByRole("article", { name: "Conflict: Budget review (Atollon)" });
  await expect(settled).toContainText("Atollon's version was kept — you chose it.");
  await expect(settled.getByRole("columnheader")).toHaveText(["Field", "Atollonkept", "Google"]);
  await capture("conflict-settled");

  await settled.getByRole("button", { name: "Undo" }).click();
  await expect(settled).toContainText("Undo asked: the next sync puts the other version back.");
  expect(await syncNow()).toContain("1 conflict settled as you chose");
  expect(await atollonTitles()).toEqual(["Budget review (Google)"]);
  expect(await googleTitles()).toEqual(["Budget review (Google)"]);
  expect(await syncNow()).toMatch(IDLE);
  await page.goto("/settings/sync/conflicts");
  await expect(settled).toContainText("Undone: the other version was put back.");
  await expect(settled.getByRole("button", { name: "Undo" })).toHaveCount(0);
  await expect(settled.getByRole("columnheader")).toHaveText(["Field", "Atollon", "Googlekept"]);
  await capture("conflict-undone");
});

/** A new conflict under "Ask me", reached through the header's badge and settled with one of the card's buttons. */
async function settleNew(from: string, atollon: string, theirs: string, choice: "Keep theirs" | "Keep both") {
  await changeOnBothSides(from, atollon, theirs);
  expect(await syncNow()).toContain("1 conflict waiting for you");
  await badge().click();
  await conflict(atollon).getByRole("button", { name: choice }).click();
  await expect(badge()).toHaveCount(0);
}

test("Keep theirs is carried out by the next run", async () => {
  await settleNew("Budget review (Google)", "Budget review 2 (Atollon)", "Budget review 2 (Google)", "Keep theirs");
  expect(await syncNow()).toContain("to Google: 0 created, 0 updated, 0 deleted; 1 conflict settled as you chose");
  expect(await atollonTitles()).toEqual(["Budget review 2 (Google)"]);
  expect(await googleTitles()).toEqual(["Budget review 2 (Google)"]);
});

test("Keep both makes exactly two events on each side, with no echo", async () => {
  await settleNew("Budget review 2 (Google)", "Budget review 3 (Atollon)", "Budget review 3 (Google)", "Keep both");
  expect(await syncNow()).toContain("to Google: 1 created, 1 updated, 0 deleted; 1 conflict settled as you chose");
  const both = ["Budget review 3 (Atollon)", "Budget review 3 (Google)"];
  expect(await atollonTitles()).toEqual(both);
  // The agenda writes both titles out in full, where the week's narrow column cuts them short.
  await page.goto("/calendar?view=agenda&date=2026-12-07");
  for (const title of both) await expect(page.getByTestId("agenda-view")).toContainText(title);
  await shot("conflict-kept-both-calendar");
  expect(await googleTitles()).toEqual(both);
  expect(await syncNow()).toMatch(IDLE);
  expect(await googleTitles()).toEqual(both);
});

test("a conflict the account's rule settled is listed as settled, and its Undo is carried out", async () => {
  await choosePolicy("Atollon wins");
  await changeOnBothSides("Budget review 3 (Atollon)", "Budget review 4 (Atollon)", "Budget review 4 (Google)");
  expect(await syncNow()).toContain("to Google: 0 created, 1 updated, 0 deleted; 1 conflict settled");
  await expect(badge()).toHaveCount(0);
  expect(await googleTitles()).toEqual(["Budget review 3 (Google)", "Budget review 4 (Atollon)"]);

  await page.goto("/settings/sync/conflicts");
  await expect(page.getByRole("region", { name: "Waiting for you" })).toContainText("No conflict waits for you.");
  const settled = page.getByRole("region", { name: "Recently settled" }).getByRole("article", { name: "Conflict: Budget review 4 (Atollon)" });
  await expect(settled).toContainText("Atollon's version was kept — the account's rule: Atollon wins.");
  await capture("conflict-settled-by-rule");
  await settled.getByRole("button", { name: "Undo" }).click();
  expect(await syncNow()).toContain("1 conflict settled as you chose");
  const theirs = ["Budget review 3 (Google)", "Budget review 4 (Google)"];
  expect(await atollonTitles()).toEqual(theirs);
  expect(await googleTitles()).toEqual(theirs);
  expect(await syncNow()).toMatch(IDLE);
});
