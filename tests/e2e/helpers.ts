import { expect, test, type Page } from "@playwright/test";

/** A full-page screenshot among the test's outputs. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

export async function signUp(page: Page, user: { name: string; email: string; password: string }): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/calendar$/);
}

/** The card of one account under Settings → Synchronization. */
export const accountCard = (page: Page, name: string, login: string) => page.getByRole("listitem", { name: `${name} account ${login}` });

/** Creates a one-day timed event through the calendar's dialog, in the week that shows `date`. */
export async function addEvent(page: Page, event: { title: string; weekOf: string; date: string; start: string; end: string }): Promise<void> {
  await page.goto(`/calendar?view=week&date=${event.weekOf}`);
  await page.getByRole("button", { name: "New event" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill(event.title);
  await dialog.getByLabel("Starts").fill(event.date);
  await dialog.getByLabel("Start time").fill(event.start);
  await dialog.getByLabel("Ends").fill(event.date);
  await dialog.getByLabel("End time").fill(event.end);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}
