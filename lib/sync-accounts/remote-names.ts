/** How run summaries and the history name the other side of a sync ("From Google: …"). */
export const REMOTE_NAMES = { GOOGLE: "Google", OFFICE365: "Office.com", OFFICE365_GRAPH: "Office.com", EXCHANGE: "Exchange", CALDAV: "CalDAV", ATOLLON: "Atollon" } as const;
