import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { DeletedEventList } from "@/components/calendar/deleted-event-list";
import { requireUser } from "@/lib/auth/session";
import { KEEP_DELETED_DAYS, listRecentlyDeleted } from "@/lib/calendar/recently-deleted";
import { restoreDeletedAction } from "./actions";

export const metadata: Metadata = { title: "Recently deleted" };

export default async function RecentlyDeletedPage() {
  const user = await requireUser();
  const events = await listRecentlyDeleted(user.id);
  return (
    <div>
      <p className="mb-2 text-sm">
        <Link href="/calendar" className="font-medium text-brand-700 underline">
          ‹ Back to the calendar
        </Link>
      </p>
      <PageHeader
        title="Recently deleted"
        description={`Events deleted in Atollon — by you, or by a sync that carried a deletion made in another calendar — stay here for ${KEEP_DELETED_DAYS} days. Restore brings one back here and, with the next sync, in every synced calendar.`}
      />
      <DeletedEventList
        events={events.map((event) => ({
          ...event,
          deletedAt: event.deletedAt.toISOString(),
          purgeAt: event.purgeAt.toISOString(),
          deletedBy: event.deletedBy && { source: event.deletedBy.source, run: event.deletedBy.run && { ...event.deletedBy.run, startedAt: event.deletedBy.run.startedAt.toISOString() } },
        }))}
        restore={restoreDeletedAction}
      />
    </div>
  );
}
