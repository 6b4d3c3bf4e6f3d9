"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/safe-action";
import { restoreRecentlyDeleted } from "@/lib/calendar/recently-deleted";
import { requestSyncAfterEdit } from "@/lib/jobs/request";

export const restoreDeletedAction = userAction("restore-deleted-event", z.object({ eventId: z.string().uuid() }), async ({ eventId }, { user }) => {
  await restoreRecentlyDeleted(user.id, eventId);
  // The restored event reaches every synced calendar with the next runs, soon after this.
  await requestSyncAfterEdit(user.id);
  revalidatePath("/calendar/recently-deleted");
  revalidatePath("/calendar");
  return null;
});
