import type { Metadata } from "next";
import { AddAccountLayout } from "@/components/sync/add-account-layout";
import { CalDavAccountForm } from "@/components/sync/caldav-account-form";
import { requireUser } from "@/lib/auth/session";
import { createCalDavAccountAction, testCalDavConnectionAction } from "./actions";

export const metadata: Metadata = { title: "Add CalDAV account" };

export default async function AddCalDavPage() {
  await requireUser();
  return (
    <AddAccountLayout title="Add CalDAV account" description="Connect a calendar on iCloud, Fastmail, Nextcloud or any other CalDAV server.">
      <CalDavAccountForm test={testCalDavConnectionAction} create={createCalDavAccountAction} />
    </AddAccountLayout>
  );
}
