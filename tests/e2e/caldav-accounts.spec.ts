import { expect, test, type Page } from "@playwright/test";
import { eventContent } from "../helpers/event-content";
import { newCalDavCalendar, type CalDavPerson } from "../helpers/caldav-person";
import { startRadicale, type Radicale } from "../helpers/radicale";
import { accountCard as accountCardOf, addEvent, shot as shotOf, signUp } from "./helpers";
import { port } from "./ports";

// A CalDAV account against a real CalDAV server (Radicale) started by this file.
test.describe.configure({ mode: "serial" });

const email = `caldav-${Date.now()}@example.com`;
const password = "caldav settings pw 1";

let page: Page;
let server: Radicale;
let family: CalDavPerson;

test.beforeAll(async ({ browser }) => {
  server = await startRadicale({ login: "alice", password: "wonderland" });
  await newCalDavCalendar(server, "work");
  family = await newCalDavCalendar(server, "family");
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
});

const shot = (name: string) => shotOf(page, name);

test("a CalDAV account: wrong password, wrong address, then right; the person picks one of the calendars", async () => {
  await signUp(page, { name: "CalDAV User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(accountCardOf(page, "Atollon", email).getByText("Active")).toBeVisible();

  await page.getByRole("link", { name: "Add CalDAV account" }).click();
  await expect(page.getByRole("heading", { name: "Add CalDAV account" })).toBeVisible();
  // iCloud is the first preset, with its address and the app-specific password it needs.
  await expect(page.getByLabel("Server URL")).toHaveValue("https://caldav.icloud.com");
  await expect(page.getByRole("note")).toContainText("appleid.apple.com → Sign-In and Security → App-Specific Passwords");
  await shot("caldav-icloud-preset");
  await page.getByLabel("Fastmail").check();
  await expect(page.getByLabel("Server URL")).toHaveValue("https://caldav.fastmail.com");
  await page.getByLabel("Nextcloud").check();
  await expect(page.getByText("/remote.php/dav is added for you")).toBeVisible();

  await page.getByLabel("Other CalDAV server").check();
  const form = page.locator("main form");
  await page.getByLabel("Server URL").fill(server.url);
  await page.getByLabel("Login").fill("alice");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("alert")).toContainText("The server refused the login or password");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await shot("caldav-wrong-password");

  await page.getByLabel("Server URL").fill(`http://127.0.0.1:${port}/sign-in`);
  await page.getByLabel("Password").fill("wonderland");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("alert")).toContainText("not as a CalDAV server");
  await expect(page.getByLabel("Server URL")).toHaveAttribute("aria-invalid", "true");
  await shot("caldav-wrong-address");

  await page.getByLabel("Server URL").fill(server.url);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByText("The server accepted the login. Pick the calendar to sync:")).toBeVisible();
  await expect(form.getByRole("radio", { name: /work/ })).toBeVisible();
  await form.getByRole("radio", { name: /family/ }).check();
  await shot("caldav-pick-calendar");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-ews$/);
  const card = accountCardOf(page, "CalDAV", "alice");
  await expect(card.getByText("Active")).toBeVisible();
});

test("Sync now brings events across both ways", async () => {
  await family.create(eventContent({ title: "Piano lesson (iPhone)", start: "2026-12-16T15:00:00.000Z", end: "2026-12-16T16:00:00.000Z" }));
  await addEvent(page, { title: "Dentist", weekOf: "2026-12-14", date: "2026-12-17", start: "08:00", end: "09:00" });

  await page.goto("/settings/sync");
  const card = accountCardOf(page, "CalDAV", "alice");
  await card.getByRole("button", { name: "Sync now" }).click();
  await expect(card.getByRole("status")).toContainText("From CalDAV: 1 created, 0 updated, 0 deleted; to CalDAV: 1 created, 0 updated, 0 deleted");
  await shot("caldav-synced");
  expect((await family.live()).map((item) => item.content?.title).sort()).toEqual(["Dentist", "Piano lesson (iPhone)"]);

  await page.goto("/calendar?view=week&date=2026-12-14");
  await expect(page.getByRole("button", { name: /Piano lesson \(iPhone\)/ })).toBeVisible();
  await shot("caldav-event-in-calendar");
});
