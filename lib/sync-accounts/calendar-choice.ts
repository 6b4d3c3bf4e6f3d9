import { AppError } from "@/lib/errors";
import { AuthorizationError, RemoteUnavailableError, type RemoteCalendar, type WritableCalendar } from "@/lib/sync/provider";

/**
 * The calendar chosen at Create, among those the service listed: undefined when none was chosen
 * (the account syncs the default one); refused when the account cannot write to it.
 */
export function pickCalendar(calendars: WritableCalendar[] | null, calendarId: string | undefined, remoteName: string): WritableCalendar | undefined {
  if (!calendarId) return undefined;
  const chosen = calendars?.find((calendar) => calendar.id === calendarId);
  if (!chosen) throw new AppError("invalid_input", `This ${remoteName} account cannot write to that calendar.`);
  return chosen;
}

/** How an account remembers its calendar: no id for the default one, so it follows the service's default. */
export const calendarFields = (chosen: WritableCalendar) => ({ remoteCalendarId: chosen.primary ? null : chosen.id, remoteCalendarName: chosen.name });

/**
 * The calendars a service offers, asked through the account's provider: a refusal or an outage is
 * said to the person as it is, and a service with one calendar per account says so.
 */
export async function listWritable(remote: RemoteCalendar, remoteName: string): Promise<WritableCalendar[]> {
  if (!remote.listCalendars) throw new AppError("invalid_input", `${remoteName} accounts sync the one calendar they were created for; there is no other to choose.`);
  try {
    return await remote.listCalendars();
  } catch (error) {
    if (error instanceof AuthorizationError || error instanceof RemoteUnavailableError) throw new AppError("invalid_input", error.message);
    throw error;
  }
}
