"use server";

import { revalidatePath } from "next/cache";
import { userAction } from "@/lib/actions/safe-action";
import { createCalDavAccount, listCalDavCalendars, updateCalDavPassword } from "@/lib/sync-accounts/caldav";
import { caldavAccountSchema, caldavConnectionSchema, caldavServerUrl, ewsPasswordSchema } from "@/lib/validations/sync-accounts";

export const testCalDavConnectionAction = userAction("test-caldav-connection", caldavConnectionSchema, async ({ kind, serverUrl, login, password }, { user }) => {
  return { calendars: await listCalDavCalendars(user.id, { serverUrl: caldavServerUrl(kind, serverUrl), login, password }) };
});

export const createCalDavAccountAction = userAction("create-caldav-account", caldavAccountSchema, async ({ kind, serverUrl, login, password, calendarUrl }, { user }) => {
  await createCalDavAccount(user.id, { serverUrl: caldavServerUrl(kind, serverUrl), login, password, calendarUrl });
  revalidatePath("/settings/sync");
  return null;
});

export const updateCalDavPasswordAction = userAction("update-caldav-password", ewsPasswordSchema, async ({ accountId, password }, { user }) => {
  await updateCalDavPassword(user.id, accountId, password);
  revalidatePath("/settings/sync");
  return null;
});
