import { cookies, headers } from "next/headers";
import { BROWSER_LOCALE_COOKIE, canonicalLocale, localeFromAcceptLanguage, resolveFormats, type FormatSettings } from "@/lib/calendar/formats";
import { getDb } from "../db/client";
import type { CurrentUser } from "./session";

/**
 * The browser's language as the page's request tells it. The browser's own report (the cookie its
 * pages set from navigator.language) comes first: the page then renders on the server exactly as the
 * browser will, even where a proxy rewrote Accept-Language.
 */
export async function browserLocale(): Promise<string | null> {
  const reported = canonicalLocale((await cookies()).get(BROWSER_LOCALE_COOKIE)?.value);
  return reported ?? localeFromAcceptLanguage((await headers()).get("accept-language"));
}

/** The formats the signed-in person's pages are drawn with, and whether they follow the browser's language. */
export async function formatsFor(user: CurrentUser): Promise<{ settings: FormatSettings; fromBrowser: boolean; browser: string | null }> {
  const browser = await browserLocale();
  return { settings: resolveFormats({ locale: user.locale, weekStart: user.weekStart }, browser, user.timeZone), fromBrowser: user.locale === null, browser };
}

/** Stores the person's choice; null keeps (or returns to) the browser's language and the locale's first day. */
export async function setFormatPreference(userId: string, preference: { locale: string | null; weekStart: number | null }): Promise<void> {
  const db = await getDb();
  await db.user.update({ where: { id: userId }, data: { locale: preference.locale, weekStart: preference.weekStart } });
}
