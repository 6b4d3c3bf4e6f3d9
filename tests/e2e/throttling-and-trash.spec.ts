import { expect, test, type Page } from "@playwright/test";
import { accountCard as accountCardOf, addEvent, shot as shotOf, signUp } from "./helpers";
import { google } from "./ports";

// Google limiting requests beyond a run's wait budget, as the account card tells it; and Recently
// deleted, with an event deleted here and one deleted by a sync, restored to every side.
test.describe.configure({ mode: "serial" });

const email = `trash-${Date.now()}@example.com`;
const password = "throttling and trash pw";
const ALAN = "alan.turing@gmail.com";

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page.request.delete(`${google}/__control/quota`);
  await page.close();
});

const card = () => accountCardOf(page, "Google Calendar", ALAN);
const shot = (name: string) => shotOf(page, name);
// Only this test's events: other specs sync with the same fake Google account.
const liveInGoogle = async () =>
  ((await (await page.request.get(`${google}/__control/events?email=${ALAN}`)).json()) as { items: { id: string; summary: string; status: string }[] }).items.filter(
    (item) => item.status !== "cancelled" && /^Review \d+$/.test(item.summary),
  );

test("Google limiting requests beyond the run's budget: the card says how many events are left and when the sync continues", async () => {
  test.setTimeout(120_000);
  await signUp(page, { name: "Trash User", email, password });
  for (let day = 0; day < 8; day += 1) {
    const date = `2026-12-${String(14 + (day % 5)).padStart(2, "0")}`;
    await addEvent(page, { title: `Review ${day + 1}`, weekOf: "2026-12-14", date, start: `${String(9 + Math.floor(day / 5) * 2).padStart(2, "0")}:00`, end: `${String(10 + Math.floor(day / 5) * 2).padStart(2, "0")}:00` });
  }
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(accountCardOf(page, "Atollon", email).getByText("Active")).toBeVisible();
  await page.goto("/settings/sync/google");
  await page.getByLabel("Google Login").fill(ALAN);
  await page.getByRole("button", { name: "Receive Google token" }).click();
  await page.getByLabel(ALAN).check();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created$/);

  // Four calls a minute, each refusal asking for 90 s: longer than one wait of a run may last.
  await page.request.post(`${google}/__control/quota`, { data: { perMinute: 4, retryAfterSeconds: 90, countRefused: true } });
  await card().getByRole("button", { name: "Sync now" }).click();
  const message = card().getByText(/^Google is limiting requests; \d+ events left, continuing on its own at the next sync\.$/);
  await expect(message).toBeVisible({ timeout: 30_000 });
  const left = Number(/(\d+) events left/.exec((await message.textContent()) ?? "")?.[1]);
  expect(left).toBeGreaterThan(0);
  expect(await liveInGoogle()).toHaveLength(8 - left);
  await expect(card().locator("dd").getByText(/\(\d+ calls in \d+ requests\)\.$/)).toBeVisible();
  await card().getByText(/^History of the last run$/).click();
  await expect(card().getByRole("list", { name: "Sync history of Google" }).getByRole("listitem").first()).toContainText("Partly done");
  await shot("google-limiting-requests");

  // Google takes calls again: the rest goes (here by Sync now; the scheduler would run it at that time).
  await page.request.delete(`${google}/__control/quota`);
  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText(`to Google: ${left} created`);
  await expect(message).toHaveCount(0);
  expect(await liveInGoogle()).toHaveLength(8);
});

test("Recently deleted lists what was deleted here and by a sync, and Restore brings an event back on every side", async () => {
  // Deleted here, by the person.
  await page.goto("/calendar?view=week&date=2026-12-14");
  await page.getByRole("button", { name: /Review 1\b/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  // Deleted in Google, carried here by a sync.
  const review2 = (await liveInGoogle()).find((item) => item.summary === "Review 2");
  await page.request.post(`${google}/__control/patch?email=${ALAN}`, { data: [{ id: review2?.id, change: { status: "cancelled" } }] });
  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("From Google: 0 created, 0 updated, 1 deleted; to Google: 0 created, 0 updated, 1 deleted");

  await page.goto("/calendar?view=week&date=2026-12-14");
  await page.getByRole("link", { name: "Recently deleted" }).click();
  await expect(page).toHaveURL(/\/calendar\/recently-deleted$/);
  const list = page.getByRole("list", { name: "Recently deleted events" });
  await expect(list.getByRole("listitem", { name: "Review 1" })).toContainText("by you, in Atollon");
  await expect(list.getByRole("listitem", { name: "Review 2" })).toContainText(`by the sync with Google ${ALAN} (run of`);
  await shot("recently-deleted");

  await list.getByRole("listitem", { name: "Review 2" }).getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status").filter({ hasText: "“Review 2” is back in your calendar" })).toBeVisible();
  await expect(list.getByRole("listitem", { name: "Review 2" })).toHaveCount(0);
  await shot("recently-deleted-restored");

  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("to Google: 1 created");
  expect((await liveInGoogle()).filter((item) => item.summary === "Review 2")).toHaveLength(1);
  await page.goto("/calendar?view=week&date=2026-12-14");
  await expect(page.getByRole("button", { name: /Review 2\b/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Review 1\b/ })).toHaveCount(0);
});
