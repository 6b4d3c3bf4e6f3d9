"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useMemo } from "react";
import { I18nProvider } from "react-aria-components";
import { BROWSER_LOCALE_COOKIE, canonicalLocale, makeFormats, type FormatSettings, type Formats } from "@/lib/calendar/formats";

const FormatsContext = createContext<Formats | null>(null);

/**
 * Gives every page the formats the server resolved, so the browser prints the very text the server
 * rendered (no hydration mismatch). When the formats follow the browser and the server guessed its
 * language from a header that disagrees with navigator.language, the browser reports its language
 * in a cookie and the page is drawn again by the server. The date and time fields (react-aria's)
 * take the same locale, so what a person types follows the formats the page is drawn in.
 */
export function FormatsProvider({ settings, browser, children }: { settings: FormatSettings; browser: string | null; children: React.ReactNode }) {
  const router = useRouter();
  const formats = useMemo(() => makeFormats(settings), [settings]);

  useEffect(() => {
    const own = canonicalLocale(navigator.language);
    if (!own || own === browser) return;
    document.cookie = `${BROWSER_LOCALE_COOKIE}=${encodeURIComponent(own)}; path=/; max-age=31536000; samesite=lax`;
    // Only a cookie that stuck reaches the server: without it, drawing again would change nothing (and loop).
    if (document.cookie.split("; ").includes(`${BROWSER_LOCALE_COOKIE}=${encodeURIComponent(own)}`)) router.refresh();
  }, [browser, router]);

  return (
    <FormatsContext.Provider value={formats}>
      <I18nProvider locale={formats.locale}>{children}</I18nProvider>
    </FormatsContext.Provider>
  );
}

export function useFormats(): Formats {
  const formats = useContext(FormatsContext);
  if (!formats) throw new Error("useFormats needs a FormatsProvider above it (the signed-in layout has one).");
  return formats;
}
