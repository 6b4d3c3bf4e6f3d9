import { expect, test, type Page } from "@playwright/test";
import { accountCard as accountCardOf, addEvent, shot as shotOf, signUp } from "./helpers";
import { ewsUrl, fakeExchanges, port } from "./ports";

// Office.com and MS Exchange accounts against two fake Exchange servers started beside the app.
test.describe.configure({ mode: "serial" });

const email = `ews-${Date.now()}@example.com`;
const password = "ews settings pw 1";
const officeUrl = ewsUrl(fakeExchanges.office);
const exchangeUrl = ewsUrl(fakeExchanges.exchange);

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page.close();
});

const accountCard = (name: string, login: string) => accountCardOf(page, name, login);

const shot = (name: string) => shotOf(page, name);

async function mailbox(ports: { control: number }): Promise<{ subject: string }[]> {
  const response = await page.request.get(`http://127.0.0.1:${ports.control}/items`);
  return ((await response.json()) as { items: { subject: string }[] }).items;
}

test("an Office.com account: wrong password, wrong address, then right", async () => {
  await signUp(page, { name: "Exchange User", email, password });
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(accountCard("Atollon", email).getByText("Active")).toBeVisible();

  await page.getByRole("link", { name: "Add Office.com" }).click();
  await expect(page.getByRole("heading", { name: "Add Office.com" })).toBeVisible();
  // The page offers Sign in with Microsoft first; the password form is its own section.
  const ews = page.getByRole("region", { name: "Connect with a password (Exchange Web Services)" });
  await expect(ews.getByLabel("Server URL", { exact: true })).toHaveValue("https://outlook.office365.com/EWS/Exchange.asmx");
  await expect(page.getByText("switches it off for good")).toBeVisible();

  await ews.getByRole("button", { name: "Create" }).click();
  await expect(ews.getByText("Enter the login.")).toBeVisible();
  await expect(ews.getByText("Enter the password.")).toBeVisible();
  await ews.getByLabel("Login").fill("alice");
  await ews.getByRole("button", { name: "Create" }).click();
  await expect(ews.getByText("Enter your Office 365 sign-in address, e.g. name@company.com.")).toBeVisible();

  await ews.getByLabel("Login").fill("alice@contoso.test");
  await ews.getByLabel("Server URL", { exact: true }).fill(officeUrl);
  await ews.getByLabel("Password").fill("not the password");
  await ews.getByRole("button", { name: "Create" }).click();
  await expect(ews.getByRole("alert")).toContainText("refused the login or password");
  await expect(ews.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await shot("office-wrong-password");

  await ews.getByLabel("Server URL", { exact: true }).fill(`http://127.0.0.1:${port}/sign-in`);
  await ews.getByLabel("Password").fill("secret");
  await ews.getByRole("button", { name: "Create" }).click();
  await expect(ews.getByRole("alert")).toContainText("not an Exchange Web Services endpoint");
  await expect(ews.getByLabel("Server URL", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await shot("office-wrong-address");

  await ews.getByLabel("Server URL", { exact: true }).fill(officeUrl);
  await ews.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-ews$/);
  await expect(accountCard("Office.com", "alice@contoso.test").getByText("Active")).toBeVisible();
  await shot("office-created");
});

test("an MS Exchange account: the server is found from the login's domain and confirmed", async () => {
  await page.getByRole("link", { name: "Add MS Exchange" }).click();
  await expect(page.getByText("https://servername.domain.com/EWS/Exchange.asmx")).toBeVisible();
  await page.getByLabel("Login").fill("alice@contoso.test");
  await page.getByLabel("Password").fill("secret");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.locator("main form").getByRole("status")).toContainText(`Found your server: ${exchangeUrl}`);
  await expect(page.getByLabel("Server", { exact: true })).toHaveValue(exchangeUrl);
  await shot("exchange-discovered");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-ews$/);
  await expect(accountCard("MS Exchange", "alice@contoso.test").getByText("Active")).toBeVisible();
});

test("the same MS Exchange mailbox a second time is refused at once, naming the account that has it", async () => {
  await page.goto("/settings/sync/exchange");
  await page.getByLabel("Login").fill("Alice@Contoso.test");
  await page.getByLabel("Server", { exact: true }).fill(exchangeUrl);
  await page.getByLabel("Password").fill("secret");
  await page.getByRole("button", { name: "Create" }).click();
  const form = page.locator("main form");
  await expect(form.getByRole("alert")).toContainText("This mailbox is already connected: your MS Exchange account alice@contoso.test syncs it");
  await expect(form.getByText("Already connected as your MS Exchange account alice@contoso.test.")).toBeVisible();
  await shot("exchange-duplicate");

  await page.goto("/settings/sync");
  await expect(page.getByRole("listitem", { name: /^MS Exchange account/ })).toHaveCount(1);
});

test("Sync now brings events across both ways for Office.com and MS Exchange", async () => {
  await page.request.post(`http://127.0.0.1:${fakeExchanges.office.control}/items`, {
    data: { subject: "Budget review (Outlook)", start: "2026-12-16T09:00:00Z", end: "2026-12-16T10:00:00Z", startTimeZone: "W. Europe Standard Time" },
  });
  await addEvent(page, { title: "Quarterly planning", weekOf: "2026-12-14", date: "2026-12-17", start: "14:00", end: "15:00" });

  await page.goto("/settings/sync");
  const office = accountCard("Office.com", "alice@contoso.test");
  await office.getByRole("button", { name: "Sync now" }).click();
  await expect(office.getByRole("status")).toContainText("From Office.com: 1 created, 0 updated, 0 deleted; to Office.com: 1 created, 0 updated, 0 deleted");
  await expect(office.locator("dd").getByText(/^From Office\.com: 1 created/)).toBeVisible();
  expect((await mailbox(fakeExchanges.office)).map((item) => item.subject).sort()).toEqual(["Budget review (Outlook)", "Quarterly planning"]);

  const exchange = accountCard("MS Exchange", "alice@contoso.test");
  await exchange.getByRole("button", { name: "Sync now" }).click();
  await expect(exchange.getByRole("status")).toContainText("to Exchange: 2 created, 0 updated, 0 deleted");
  expect((await mailbox(fakeExchanges.exchange)).map((item) => item.subject).sort()).toEqual(["Budget review (Outlook)", "Quarterly planning"]);
  await shot("ews-synced");

  await page.goto("/calendar?view=week&date=2026-12-14");
  await expect(page.getByRole("button", { name: /Budget review \(Outlook\)/ })).toBeVisible();
});

test("an MS Exchange account over NTLM: wrong password, wrong address, then DOMAIN\\user; an event made in Exchange arrives on Sync now", async () => {
  const ntlmUrl = ewsUrl(fakeExchanges.ntlm);
  await page.goto("/settings/sync");
  await page.getByRole("link", { name: "Add MS Exchange" }).click();
  const form = page.locator("main form");
  await page.getByLabel("Login").fill("CONTOSO\\alice");
  await page.getByLabel("Server", { exact: true }).fill(ntlmUrl);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(form.getByRole("alert")).toContainText("The server refused the login or password. Check both, including the domain (DOMAIN\\user or user@domain).");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("The server did not accept this login and password.")).toBeVisible();
  await shot("exchange-wrong-password");

  // Nothing listens on the discard port: the address, not the login, is what is wrong.
  await page.getByLabel("Server", { exact: true }).fill("http://127.0.0.1:9/EWS/Exchange.asmx");
  await page.getByLabel("Password").fill("secret");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(form.getByRole("alert")).toContainText("The server could not be reached");
  await expect(page.getByLabel("Server", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("Check this address (see above).")).toBeVisible();
  await shot("exchange-wrong-address");

  await page.getByLabel("Server", { exact: true }).fill(ntlmUrl);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/settings\/sync\?notice=created-ews$/);
  const card = accountCard("MS Exchange", "CONTOSO\\alice");
  await expect(card.getByText("Active")).toBeVisible();
  // This server offers only NTLM: the account could not have been created over Basic.
  const requests = (await (await page.request.get(`http://127.0.0.1:${fakeExchanges.ntlm.control}/requests`)).json()) as { schemes: string[] };
  expect(requests.schemes).toContain("NTLM");

  await page.request.post(`http://127.0.0.1:${fakeExchanges.ntlm.control}/items`, {
    data: { subject: "Supplier call (Exchange)", start: "2026-12-18T13:00:00Z", end: "2026-12-18T13:30:00Z", startTimeZone: "W. Europe Standard Time" },
  });
  await card.getByRole("button", { name: "Sync now" }).click();
  await expect(card.getByRole("status")).toContainText("From Exchange: 1 created, 0 updated, 0 deleted");
  await shot("exchange-ntlm-synced");

  await page.goto("/calendar?view=week&date=2026-12-14");
  await expect(page.getByRole("button", { name: /Supplier call \(Exchange\)/ })).toBeVisible();
  await shot("exchange-event-in-calendar");
});
