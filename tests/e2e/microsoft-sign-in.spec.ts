import { expect, test, type Page } from "@playwright/test";
import { accountCard as accountCardOf, addEvent, shot as shotOf, signUp } from "./helpers";
import { microsoft } from "./ports";

// "Sign in with Microsoft" on the Office.com step and Sync now over Microsoft Graph, against the fake
// identity platform and Graph started beside the app (playwright.config.ts).
test.describe.configure({ mode: "serial" });

const email = `microsoft-${Date.now()}@example.com`;
const password = "microsoft sign-in pw 1";
const ADELE = "adele.vance@contoso.onmicrosoft.com";
const ALEX = "alex.wilber@contoso.onmicrosoft.com";
const LEE = "lee.gu@fabrikam.onmicrosoft.com";

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page.close();
});

const shot = (name: string) => shotOf(page, name);
const card = () => accountCardOf(page, "Office.com", ADELE);
const signInSection = () => page.getByRole("region", { name: "Sign in with Microsoft" });

async function signInWithMicrosoft(login: string) {
  await page.goto("/settings/sync/office");
  await signInSection().getByLabel("Login").fill(login);
  await signInSection().getByRole("button", { name: "Sign in with Microsoft" }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
}

async function consent(account: string, decision: "Accept" | "Cancel") {
  await page.getByLabel(account).check();
  await page.getByRole("button", { name: decision }).click();
}

test("Office.com → Sign in with Microsoft → Accept → token received → Create → Active", async () => {
  await signUp(page, { name: "Microsoft User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(accountCardOf(page, "Atollon", email).getByText("Active")).toBeVisible();

  await page.getByRole("link", { name: "Add Office.com" }).click();
  await expect(page.getByRole("heading", { name: "Add Office.com" })).toBeVisible();
  await expect(signInSection().getByText("Recommended", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Connect with a password (Exchange Web Services)" }).getByText("on 1 April 2027 switches it off for good")).toBeVisible();
  await shot("office-two-ways");

  await signInWithMicrosoft(ADELE);
  await expect(page.getByRole("radio", { name: ADELE })).toBeChecked();
  await expect(page.getByText("Have full access to your calendars")).toBeVisible();
  await shot("microsoft-consent");
  await consent(ADELE, "Accept");
  await expect(page).toHaveURL(/\/settings\/sync\/office\?flow=/);
  await expect(signInSection().getByRole("status")).toContainText(`Microsoft token received for ${ADELE}`);
  // The calendars the mailbox can edit are offered, the default one preselected.
  await expect(signInSection().getByLabel("Calendar to sync").locator("option")).toHaveText(["Calendar (default)"]);
  await shot("microsoft-token-received");

  await signInSection().getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-microsoft$/);
  await expect(card().getByText("Active")).toBeVisible();
  await expect(card().getByText("Microsoft 365 (Graph)")).toBeVisible();
  await expect(card().locator("dd").first()).toHaveText(/^Calendar/);
  // No token, encrypted or not, reaches the page.
  expect(await page.content()).not.toMatch(/0\.AAAA[\w-]{10}|eyJ0eXAiOiJKV1Qi\.|v1\.[0-9a-f]{12}\./);
  await shot("microsoft-account-active");
});

test("Sync now copies events both ways over Microsoft Graph and says what it did", async () => {
  await page.request.post(`${microsoft}/__control/events?email=${ADELE}`, {
    data: { type: "singleInstance", subject: "Budget review (from Outlook)", start: "2026-12-09T09:00:00.000Z", end: "2026-12-09T10:00:00.000Z", timeZone: "UTC" },
  });
  await addEvent(page, { title: "Quarterly planning", weekOf: "2026-12-07", date: "2026-12-08", start: "12:00", end: "13:00" });

  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Sync now" }).click();
  await expect(card().getByRole("status")).toContainText("From Office.com: 1 created, 0 updated, 0 deleted; to Office.com: 1 created, 0 updated, 0 deleted");
  await shot("microsoft-sync-now");
  const { items } = (await (await page.request.get(`${microsoft}/__control/events?email=${ADELE}`)).json()) as { items: { subject: string }[] };
  expect(items.map((item) => item.subject).sort()).toEqual(["Budget review (from Outlook)", "Quarterly planning"]);
  await page.goto("/calendar?view=week&date=2026-12-07");
  await expect(page.getByRole("button", { name: /Budget review \(from Outlook\)/ })).toBeVisible();
});

type Subscription = { id: string; state: string; notificationUrl: string; deliveries: { kind: string; events: string[]; status: number }[] };
const subscriptions = async () => ((await (await page.request.get(`${microsoft}/__control/subscriptions?email=${ADELE}`)).json()) as { subscriptions: Subscription[] }).subscriptions;

test("the account has a change subscription whose notifications reach the app", async () => {
  // Subscribed once the answer to Create has been sent: Create does not wait for Microsoft's handshake.
  await expect.poll(async () => (await subscriptions()).filter((entry) => entry.state === "live").length).toBe(1);
  const [subscription] = (await subscriptions()).filter((entry) => entry.state === "live");
  expect(subscription?.notificationUrl).toMatch(/\/api\/webhooks\/microsoft$/);
  // A change in Outlook is announced to the webhook, which needs no session to accept it.
  await page.request.post(`${microsoft}/__control/events?email=${ADELE}`, {
    data: { type: "singleInstance", subject: "Pushed from Outlook", start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z", timeZone: "UTC" },
  });
  await expect.poll(async () => (await subscriptions()).find((entry) => entry.id === subscription?.id)?.deliveries.at(-1)).toMatchObject({ kind: "change", status: 202 });
});

test("the same mailbox cannot also be connected with a password", async () => {
  await page.goto("/settings/sync/office");
  const ews = page.getByRole("region", { name: "Connect with a password (Exchange Web Services)" });
  await ews.getByLabel("Login").fill(ADELE);
  await ews.getByLabel("Password").fill("any password");
  await ews.getByRole("button", { name: "Create" }).click();
  await expect(ews.getByRole("alert")).toContainText(`${ADELE} is already connected with Sign in with Microsoft`);
  await page.goto("/settings/sync");
  await expect(page.getByRole("listitem", { name: /^Office\.com account/ })).toHaveCount(1);
});

test("Cancel at Microsoft → a clear message and nothing created", async () => {
  await signInWithMicrosoft(ALEX);
  await consent(ALEX, "Cancel");
  await expect(signInSection().getByRole("alert")).toContainText("You cancelled at Microsoft, so nothing was created.");
  await expect(signInSection().getByRole("button", { name: "Create" })).toBeDisabled();
  await shot("microsoft-cancelled");
  await page.goto("/settings/sync");
  await expect(page.getByRole("listitem", { name: new RegExp(ALEX.replace(/\./g, "\\.")) })).toHaveCount(0);
});

test("a tenant that needs admin consent → the user learns who must act", async () => {
  await signInWithMicrosoft(LEE);
  await consent(LEE, "Accept");
  await expect(signInSection().getByRole("alert")).toContainText("Your organisation lets only an administrator allow this app. Nothing was created.");
  await shot("microsoft-admin-consent");
});

test("a token revoked at Microsoft → Authorization needed → signed in again, same account", async () => {
  // Every token Microsoft handed out for the account — at sign-in, and at each refresh since (listing the
  // calendars before Create, Sync now) — as Microsoft leaves an old one valid when it sends a new one.
  const { revoked } = (await (await page.request.post(`${microsoft}/__control/revoke-grants?email=${ADELE}`)).json()) as { revoked: number };
  expect(revoked).toBeGreaterThanOrEqual(3);
  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Check connection" }).click();
  await expect(card().getByText("Authorization needed", { exact: true })).toBeVisible();
  await expect(card().getByText(/Microsoft no longer accepts this app's access/).first()).toBeVisible();
  await shot("microsoft-authorization-needed");

  await card().getByRole("button", { name: "Sign in with Microsoft again" }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await expect(page.getByRole("radio", { name: ADELE })).toBeChecked();
  await consent(ADELE, "Accept");
  await expect(page).toHaveURL(/\/settings\/sync\?notice=reauthorized-microsoft$/);
  await expect(page.getByText("Signed in with Microsoft again")).toBeVisible();
  await expect(page.getByRole("listitem", { name: /^Office\.com account/ })).toHaveCount(1);
  await expect(card().getByText("Active")).toBeVisible();
  await card().getByRole("button", { name: "Check connection" }).click();
  await expect(card().getByRole("status")).toContainText("Connection works: Microsoft accepted the stored authorization.");
  await shot("microsoft-reauthorized");
});

test("removing the account deletes its subscription at Microsoft", async () => {
  await page.goto("/settings/sync");
  await card().getByRole("button", { name: "Remove…" }).click();
  await card().getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=removed$/);
  await expect(page.getByRole("listitem", { name: /^Office\.com account/ })).toHaveCount(0);
  const states = (await subscriptions()).map((entry) => entry.state);
  expect(states).not.toContain("live");
  expect(states).toContain("deleted");
});
