import { BasePropertySet, Folder, FolderSchema, FolderTraversal, FolderView, PropertySet, WellKnownFolderName } from "ews-javascript-api";
import type { WritableCalendar } from "@/lib/sync/provider";
import { call, type EwsConnection } from "@/lib/providers/ews/service";

/** Calendars proper: the class Outlook gives a calendar folder it creates (birthdays and holidays carry a longer one). */
const CALENDAR_CLASS = "IPF.Appointment";
const PAGE = 100;

const properties = () => new PropertySet(BasePropertySet.IdOnly, [FolderSchema.DisplayName, FolderSchema.FolderClass]);

/**
 * The mailbox's calendars: the distinguished calendar folder (the default) and every calendar
 * folder below it, at any depth (FindFolder, Deep traversal), paged by offset.
 */
export async function listCalendarFolders(connection: EwsConnection): Promise<WritableCalendar[]> {
  const root = await call(connection, "the calendar folder (GetFolder)", () => Folder.Bind(connection.service, WellKnownFolderName.Calendar, properties()));
  const calendars: WritableCalendar[] = [{ id: root.Id.UniqueId, name: root.DisplayName || "Calendar", primary: true }];
  for (let offset = 0; ; ) {
    const view = new FolderView(PAGE, offset);
    view.Traversal = FolderTraversal.Deep;
    view.PropertySet = properties();
    const found = await call(connection, "the calendar's subfolders (FindFolder)", () => connection.service.FindFolders(WellKnownFolderName.Calendar, view));
    for (const folder of found.Folders) {
      if (folder.FolderClass === CALENDAR_CLASS) calendars.push({ id: folder.Id.UniqueId, name: folder.DisplayName, primary: false });
    }
    if (!found.MoreAvailable || found.Folders.length === 0) break;
    offset = found.NextPageOffset ?? offset + found.Folders.length;
  }
  return calendars;
}
