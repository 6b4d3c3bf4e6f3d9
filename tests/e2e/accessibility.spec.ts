import { expect, test } from "@playwright/test";
import { dateField, expectNoSeriousViolations, expectNoSeriousViolationsHere, signUp } from "./helpers";

// axe-core on every page a person reaches, signed out and signed in, at the desktop and the phone size.
test.describe.configure({ mode: "serial" });

const SIGNED_IN = [
  "/calendar?view=week&date=2026-12-07",
  "/calendar?view=day&date=2026-12-07",
  "/calendar?view=month&date=2026-12-07",
  "/calendar?view=agenda&date=2026-12-07",
  "/calendar?view=week&date=2026-12-07&q=standup",
  "/settings/sync",
  "/settings/sync/google",
  "/settings/sync/office",
  "/settings/sync/exchange",
  "/settings/sync/refused",
  "/settings/sync/conflicts",
  "/settings/account",
  "/help",
  "/help/remove-google-authorization",
];

test("no serious or critical accessibility violations on any page, at 1440×900 and 390×844", async ({ page }) => {
  // Every page is audited twice over; axe takes seconds a page on a busy two-core machine.
  test.setTimeout(180_000);
  for (const path of ["/sign-in", "/sign-up"]) await expectNoSeriousViolations(page, path);
  await signUp(page, { name: "Axe Checker", email: `axe-${Date.now()}@example.com`, password: "axe password 1" });
  // The settings pages past step 1 only show once the Atollon account exists.
  await page.goto("/settings/sync");
  await page.getByLabel("Password").fill("axe password 1");
  await page.getByRole("button", { name: "Confirm password" }).click();
  await expect(page.getByRole("link", { name: "Add Google Calendar" })).toBeVisible();
  for (const path of SIGNED_IN) await expectNoSeriousViolations(page, path);
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ["/calendar?view=agenda&date=2026-12-07", "/calendar?view=week&date=2026-12-07", "/settings/sync", "/settings/sync/conflicts"]) await expectNoSeriousViolations(page, path);
});

test("no serious or critical violations in the event dialog, its date and time fields with their errors, and an open date picker", async ({ page }) => {
  await signUp(page, { name: "Axe Dialog", email: `axe-dialog-${Date.now()}@example.com`, password: "axe password 2" });
  await page.goto("/calendar?view=week&date=2026-12-07");
  await page.getByRole("button", { name: "New event" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("combobox", { name: "Repeat" }).selectOption("daily");
  await dialog.getByRole("combobox", { name: "Ends" }).selectOption("until");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Pick the last date.")).toBeVisible();
  await expect(dateField(dialog, "Last date").getByRole("spinbutton").first()).toHaveAttribute("aria-invalid", "true");
  await expectNoSeriousViolationsHere(page, "event dialog with errors");
  await dateField(dialog, "Starts").getByRole("button").click();
  await expect(page.getByRole("grid")).toBeVisible();
  await expectNoSeriousViolationsHere(page, "date picker");
});
