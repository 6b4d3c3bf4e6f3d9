/** How run summaries and the history name the other side of a sync ("From Google: …"). */
export const REMOTE_NAMES = { GOOGLE: "Google", OFFICE365: "Office.com", OFFICE365_GRAPH: "Office.com", EXCHANGE: "Exchange", CALDAV: "CalDAV", ATOLLON: "Atollon" } as const;

/**
 * Accounts of these services reach several calendars and may choose one: their providers list them
 * (RemoteCalendar.listCalendars). A CalDAV account is made for one calendar collection.
 */
export const CHOOSES_CALENDAR: ReadonlySet<string> = new Set(["GOOGLE", "OFFICE365", "OFFICE365_GRAPH", "EXCHANGE"]);
