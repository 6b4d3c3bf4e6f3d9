import { TimeZoneInfo } from "ews-javascript-api";

/**
 * The Windows zone that Exchange 2007's TimeZone string names. An appointment an old client left
 * carries its zone only as that display name — "(GMT+01:00) Amsterdam, Berlin, Bern, Rome,
 * Stockholm, Vienna" — with no MeetingTimeZone or StartTimeZone: matched by its places against the
 * library's zone list (whose names say UTC instead of GMT), or taken as an id when it is one.
 * null when nothing matches.
 */
export function windowsZoneNamed(name: string | null | undefined): string | null {
  const wanted = places(name ?? "");
  if (!wanted) return null;
  for (const id of TimeZoneInfo.ListWindowsTimeZones()) {
    if (id.toLowerCase() === wanted) return id;
    try {
      if (places(TimeZoneInfo.FindSystemTimeZoneById(id).DisplayName) === wanted) return id;
    } catch {
      // A zone the library lists without rules: it cannot be the one meant.
    }
  }
  return null;
}

/** "(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London" → "dublin, edinburgh, lisbon, london". */
function places(display: string): string {
  const named = display.replace(/^\((?:GMT|UTC)[^)]*\)\s*/i, "");
  return (named.split(" : ").at(-1) ?? named).replace(/&amp;/g, "&").trim().toLowerCase();
}
