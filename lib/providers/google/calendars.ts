import { google } from "googleapis";
import { AuthorizationError, RemoteUnavailableError, type WritableCalendar } from "@/lib/sync/provider";

/** The calendars this Google account may write to (calendarList, owner or writer), the primary first. */
export async function listWritableGoogleCalendars(apiUrl: string, accessToken: string): Promise<WritableCalendar[]> {
  const api = google.calendar({ version: "v3", rootUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/` });
  const calendars: WritableCalendar[] = [];
  let pageToken: string | undefined;
  do {
    let data;
    try {
      ({ data } = await api.calendarList.list({ minAccessRole: "writer", maxResults: 250, ...(pageToken ? { pageToken } : {}) }, { headers: { Authorization: `Bearer ${accessToken}` }, retry: false }));
    } catch (error) {
      const status = (error as { status?: number }).status ?? null;
      if (status === 401) throw new AuthorizationError("Google refused the access token.", "authorization-needed");
      throw new RemoteUnavailableError(`Google did not list the calendars${status ? ` (HTTP ${status})` : ""}.`, status);
    }
    for (const entry of data.items ?? []) {
      if (!entry.id || (entry.accessRole !== "owner" && entry.accessRole !== "writer")) continue;
      calendars.push({ id: entry.id, name: entry.summaryOverride ?? entry.summary ?? entry.id, primary: entry.primary === true });
    }
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return calendars.sort((a, b) => Number(b.primary) - Number(a.primary));
}
