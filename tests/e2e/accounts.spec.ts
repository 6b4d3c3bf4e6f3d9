import { expect, test, type Page } from "@playwright/test";

const password = "first password 1";
const newPassword = "second password 2";
const email = `e2e-${Date.now()}@example.com`;

test.describe.configure({ mode: "serial" });

async function signIn(page: Page, withPassword: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(withPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test("sends visitors without a session to sign-in", async ({ page }) => {
  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/settings/sync");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("a form cannot be sent before the page is interactive, so a password never lands in a URL", async ({ browser }) => {
  // Without JavaScript the page stays as the server rendered it, as it is for a moment on every load. A disabled
  // default button also stops Enter from sending the form (HTML's implicit submission).
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
  await context.close();
});

test("explains sign-up mistakes before sending anything", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
});

test("signs up and reaches every page", async ({ page }, testInfo) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Eva Example");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/calendar$/);
  await expect(page.getByRole("heading", { name: "Calendar" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Eva Example" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("calendar.png"), fullPage: true });

  const main = page.getByRole("navigation", { name: "Main" });
  await main.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings\/sync$/);
  await expect(page.getByRole("heading", { name: "Synchronization" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("settings-sync.png"), fullPage: true });

  await main.getByRole("link", { name: "Help" }).click();
  await expect(page.getByRole("heading", { name: "Help", exact: true })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("help.png"), fullPage: true });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("settings-account.png"), fullPage: true });
});

test("refuses a second account with the same email", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill("another password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("This email is already registered. Sign in instead.");
});

test("signs out, rejects a wrong password, signs in", async ({ page }, testInfo) => {
  await signIn(page, password);
  await expect(page).toHaveURL(/\/calendar$/);
  await signOut(page);
  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, "not my password");
  await expect(page.locator("form").getByRole("alert")).toContainText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.screenshot({ path: testInfo.outputPath("sign-in-rejected.png"), fullPage: true });

  await signIn(page, password);
  await expect(page).toHaveURL(/\/calendar$/);
});

test("changes the password, which signs out other browsers", async ({ page, browser }) => {
  const otherBrowser = await browser.newContext();
  const other = await otherBrowser.newPage();
  await signIn(other, password);
  await expect(other).toHaveURL(/\/calendar$/);

  await signIn(page, password);
  await expect(page).toHaveURL(/\/calendar$/);
  await page.goto("/settings/account");
  await page.getByLabel("Current password", { exact: true }).fill("wrong current pw");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("This is not your current password.")).toBeVisible();

  await page.getByLabel("Current password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("form").getByRole("status")).toContainText("Password changed.");

  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/calendar$/);
  await other.goto("/calendar");
  await expect(other).toHaveURL(/\/sign-in$/);
  await otherBrowser.close();

  await signOut(page);
  await signIn(page, password);
  await expect(page.locator("form").getByRole("alert")).toContainText("Wrong email or password.");
  await signIn(page, newPassword);
  await expect(page).toHaveURL(/\/calendar$/);
});
