import { expect, test, type Page } from "@playwright/test";
import { addEvent, dateField, fieldText, shot, signUp, typeDate } from "./helpers";

// Day, week, month and agenda, each in the address; the week on a phone; the current-time line.
test.use({ timezoneId: "Europe/Prague" });
test.describe.configure({ mode: "serial" });

const email = `views-${Date.now()}@example.com`;
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ timezoneId: "Europe/Prague", viewport: { width: 1440, height: 900 } });
});

test.afterAll(async () => {
  await page.close();
});

test("day, week, month and agenda views, each kept in the address, with a line at the current time", async () => {
  await signUp(page, { name: "View Finder", email, password: "views password 1" });
  await addEvent(page, { title: "Roadmap workshop", weekOf: "2026-12-07", date: "2026-12-09", start: "10:00", end: "11:30" });
  await addEvent(page, { title: "Dentist", weekOf: "2026-12-07", date: "2026-12-22", start: "08:00", end: "08:30" });

  await page.goto("/calendar?view=day&date=2026-12-09");
  await expect(page.getByRole("heading", { name: /^Wednesday,? 9 December 2026$/ })).toBeVisible();
  await expect(page.getByTestId("day-view").getByRole("button", { name: /Roadmap workshop.*10:00 – 11:30/ })).toBeVisible();
  await shot(page, "view-day");
  await page.getByRole("link", { name: "Next day" }).click();
  await expect(page).toHaveURL(/view=day&date=2026-12-10$/);
  await expect(page.getByRole("heading", { name: /^Thursday,? 10 December 2026$/ })).toBeVisible();
  await expect(page.getByTestId("day-view").getByRole("button", { name: /Roadmap workshop/ })).toHaveCount(0);

  await page.getByRole("group", { name: "View" }).getByRole("link", { name: "Week" }).click();
  await expect(page).toHaveURL(/view=week&date=2026-12-10$/);
  await expect(page.getByRole("heading", { name: "7 – 13 December 2026" })).toBeVisible();
  await shot(page, "view-week");

  await page.getByRole("group", { name: "View" }).getByRole("link", { name: "Agenda" }).click();
  await expect(page).toHaveURL(/view=agenda&date=2026-12-10$/);
  const agenda = page.getByTestId("agenda-view");
  await expect(agenda.getByRole("heading", { name: /Tuesday,? 22 December 2026$/ })).toBeVisible();
  await expect(agenda.getByRole("button", { name: /08:00 – 08:30\s*Dentist/ })).toBeVisible();
  // The agenda lists from its date on: the 9th is behind it.
  await expect(agenda.getByRole("button", { name: /Roadmap workshop/ })).toHaveCount(0);
  await shot(page, "view-agenda");
  await agenda.getByRole("button", { name: /Dentist/ }).click();
  await expect(page.getByRole("dialog").getByLabel("Title")).toHaveValue("Dentist");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await expect(agenda.getByRole("button", { name: /Dentist/ })).toBeVisible();

  await page.getByRole("group", { name: "View" }).getByRole("link", { name: "Month" }).click();
  await expect(page).toHaveURL(/view=month/);
  await expect(page.getByRole("heading", { name: "December 2026", exact: true })).toBeVisible();
  await page.getByTestId("month-view").locator('[data-date="2026-12-22"]').getByRole("button", { name: /Dentist/ }).click();
  await expect(page.getByRole("dialog").getByLabel("Title")).toHaveValue("Dentist");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // Today, in the day and the week: one red line, in today's column.
  await page.goto("/calendar?view=day");
  await expect(page.getByTestId("day-view").getByTestId("now-line")).toHaveCount(1);
  await page.goto("/calendar?view=week");
  const line = page.getByTestId("week-view").getByTestId("now-line");
  await expect(line).toHaveCount(1);
  const today = await page.getByTestId("week-view").locator('[aria-current="date"]').getAttribute("data-column");
  await expect(page.getByTestId("week-view").locator(`[data-date="${today}"]`).getByTestId("now-line")).toHaveCount(1);
  await shot(page, "view-week-now-line");
});

test("on a phone the agenda opens by default and the week shows three days at a time, paging sideways by day", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/calendar\?view=agenda&date=\d{4}-\d{2}-\d{2}$/);
  await expect(page.getByTestId("agenda-view")).toBeVisible();
  await page.goto("/calendar?view=agenda&date=2026-12-01");
  await shot(page, "phone-agenda");

  await page.goto("/calendar?view=week&date=2026-12-09");
  const week = page.getByTestId("week-view");
  const wednesday = week.locator('[data-column="2026-12-09"]');
  const box = await wednesday.boundingBox();
  expect(box?.width).toBeGreaterThan(95);
  // The anchored day is in view; Sunday is a swipe away.
  await expect(wednesday).toBeInViewport();
  const sunday = week.locator('[data-column="2026-12-13"]');
  await expect(sunday).not.toBeInViewport();
  await expect(week.getByRole("button", { name: /Roadmap workshop/ })).toBeInViewport();
  await shot(page, "phone-week");
  await week.locator('[data-column="2026-12-13"]').scrollIntoViewIfNeeded();
  await expect(sunday).toBeInViewport();
  await shot(page, "phone-week-swiped");
  await page.setViewportSize({ width: 1440, height: 900 });
});

const slots = () => page.getByRole("group", { name: "Time slots" });
const column = (date: string) => slots().locator(`[data-date="${date}"]`);
const HOUR = 48;
/** A point in a day's column, `minutes` after midnight, in page coordinates. */
async function at(date: string, minutes: number, dx = 30) {
  const box = await column(date).boundingBox();
  if (!box) throw new Error(`no column for ${date}`);
  return { x: box.x + dx, y: box.y + (minutes / 60) * HOUR };
}
async function dragFrom(from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}
async function save(title: string) {
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}

test("creates by clicking and by dragging on empty time; moves and resizes by dragging, asking this or all for a series", async () => {
  await page.goto("/calendar?view=week&date=2026-12-07");
  const click = await at("2026-12-08", 14 * 60 + 5);
  await page.mouse.click(click.x, click.y);
  const dialog = page.getByRole("dialog");
  await expect.poll(() => fieldText(dateField(dialog, "Start time"))).toBe("14:00");
  await expect.poll(() => fieldText(dateField(dialog, "End time"))).toBe("15:00");
  await save("Clicked in");
  await expect(column("2026-12-08").getByRole("button", { name: /Clicked in.*14:00 – 15:00/ })).toBeVisible();

  await dragFrom(await at("2026-12-10", 16 * 60 + 5), await at("2026-12-10", 17 * 60 + 35));
  await expect.poll(() => fieldText(dateField(dialog, "Starts"))).toBe("10/12/2026");
  await expect.poll(() => fieldText(dateField(dialog, "Start time"))).toBe("16:00");
  await expect.poll(() => fieldText(dateField(dialog, "End time"))).toBe("17:45");
  await save("Dragged out");
  await expect(column("2026-12-10").getByRole("button", { name: /Dragged out.*16:00 – 17:45/ })).toBeVisible();

  // Move "Clicked in" a day later and an hour down, then pull its bottom edge half an hour further.
  const clicked = column("2026-12-08").getByRole("button", { name: /Clicked in/ });
  const box = await clicked.boundingBox();
  const width = (await column("2026-12-08").boundingBox())?.width ?? 0;
  if (!box) throw new Error("no event");
  await dragFrom({ x: box.x + 20, y: box.y + 10 }, { x: box.x + 20 + width, y: box.y + 10 + HOUR });
  const moved = column("2026-12-09").getByRole("button", { name: /Clicked in.*15:00 – 16:00/ });
  await expect(moved).toBeVisible();
  await expect(dialog).toHaveCount(0);
  const handle = (await moved.getByTestId("resize-handle").boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 };
  await dragFrom({ x: handle.x + 20, y: handle.y + 2 }, { x: handle.x + 20, y: handle.y + 2 + HOUR / 2 });
  await expect(column("2026-12-09").getByRole("button", { name: /Clicked in.*15:00 – 16:30/ })).toBeVisible();
  await shot(page, "drag-moved-and-resized");

  // A series on Mondays and Tuesdays: Monday's occurrence alone, then Tuesday's for all.
  await page.getByRole("button", { name: "New event" }).click();
  await typeDate(dateField(dialog, "Start time"), "10:00");
  await typeDate(dateField(dialog, "End time"), "10:30");
  await dialog.getByRole("combobox", { name: "Repeat" }).selectOption("weekly");
  await dialog.getByLabel("Tue").check();
  await save("Team sync");
  const monday = column("2026-12-07").getByRole("button", { name: /Team sync/ });
  const mondayBox = (await monday.boundingBox()) ?? { x: 0, y: 0 };
  await dragFrom({ x: mondayBox.x + 20, y: mondayBox.y + 8 }, { x: mondayBox.x + 20, y: mondayBox.y + 8 + HOUR });
  const ask = page.getByRole("dialog", { name: "Move a repeating event" });
  await expect(ask).toBeVisible();
  await shot(page, "drag-series-this-or-all");
  await ask.getByRole("button", { name: "This event" }).click();
  await expect(column("2026-12-07").getByRole("button", { name: /Team sync.*11:00 – 11:30/ })).toBeVisible();
  await expect(column("2026-12-08").getByRole("button", { name: /Team sync.*10:00 – 10:30/ })).toBeVisible();

  const tuesday = column("2026-12-08").getByRole("button", { name: /Team sync/ });
  const tuesdayBox = (await tuesday.boundingBox()) ?? { x: 0, y: 0 };
  await dragFrom({ x: tuesdayBox.x + 20, y: tuesdayBox.y + 8 }, { x: tuesdayBox.x + 20, y: tuesdayBox.y + 8 + HOUR / 2 });
  await ask.getByRole("button", { name: "All events" }).click();
  await expect(column("2026-12-08").getByRole("button", { name: /Team sync.*10:30 – 11:00/ })).toBeVisible();
  await page.getByRole("link", { name: "Next week" }).click();
  await expect(column("2026-12-14").getByRole("button", { name: /Team sync.*10:30 – 11:00/ })).toBeVisible();
  await expect(column("2026-12-15").getByRole("button", { name: /Team sync.*10:30 – 11:00/ })).toBeVisible();
});

test("creates and moves an event with the keyboard alone", async () => {
  await page.goto("/calendar?view=week&date=2026-12-07");
  await slots().focus();
  for (const key of ["ArrowDown", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowRight"]) await page.keyboard.press(key);
  await expect(slots().locator('[data-date="2026-12-10"]').getByTestId("slot-cursor")).toBeVisible();
  await shot(page, "keyboard-slot");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect.poll(() => fieldText(dateField(dialog, "Starts"))).toBe("10/12/2026");
  await expect.poll(() => fieldText(dateField(dialog, "Start time"))).toBe("10:00");
  await page.keyboard.type("Typed in");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();

  const typed = column("2026-12-10").getByRole("button", { name: /Typed in.*10:00 – 11:00/ });
  await typed.focus();
  for (const key of ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowRight"]) await page.keyboard.press(key);
  const landed = column("2026-12-11").getByRole("button", { name: /Typed in.*11:00 – 12:00/ });
  await expect(landed).toBeVisible();
  await expect(landed).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Title")).toHaveValue("Typed in");
  await shot(page, "keyboard-moved-and-opened");
  await page.keyboard.press("Escape");
});

test("searches titles, locations and descriptions on the server and opens a result", async () => {
  await page.goto("/calendar?view=week&date=2026-12-07");
  await page.getByRole("searchbox", { name: "Search events" }).fill("WORKSHOP");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]q=WORKSHOP/);
  const results = page.getByRole("region", { name: /1 event matches “WORKSHOP”/ });
  await expect(results).toBeVisible();
  await shot(page, "search-results");
  await results.getByRole("button", { name: /Roadmap workshop/ }).click();
  await expect(page.getByRole("dialog").getByLabel("Title")).toHaveValue("Roadmap workshop");
  await expect.poll(() => fieldText(dateField(page.getByRole("dialog"), "Starts"))).toBe("09/12/2026");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("searchbox", { name: "Search events" }).fill("nothing like this");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "No events match “nothing like this”" })).toBeVisible();
  await page.getByRole("link", { name: "Clear search" }).click();
  await expect(page).not.toHaveURL(/q=/);
});
