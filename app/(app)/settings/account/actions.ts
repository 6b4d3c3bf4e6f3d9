"use server";

import { revalidatePath } from "next/cache";
import { userAction } from "@/lib/actions/safe-action";
import { changePassword } from "@/lib/auth/change-password";
import { renewAtollonGrant } from "@/lib/sync-accounts/accounts";
import { setFormatPreference } from "@/lib/auth/formats";
import { setTimeZone } from "@/lib/auth/time-zone";
import { changePasswordSchema } from "@/lib/validations/auth";
import { changePasswordForSyncSchema } from "@/lib/validations/sync-accounts";
import { formatSettingSchema, timeZoneSettingSchema } from "@/lib/validations/event";

export const changePasswordAction = userAction("change-password", changePasswordSchema.and(changePasswordForSyncSchema), async ({ alsoForSync, ...input }, { user }) => {
  const version = await changePassword({ ...input, userId: user.id });
  if (alsoForSync) await renewAtollonGrant(user.id, version);
  // No revalidation here: this session ended with the old password; the form signs in again, then refreshes.
  return null;
});

export const setTimeZoneAction = userAction("set-time-zone", timeZoneSettingSchema, async ({ timeZone }, { user }) => {
  await setTimeZone(user.id, timeZone);
  revalidatePath("/", "layout");
  return null;
});

export const setFormatsAction = userAction("set-formats", formatSettingSchema, async ({ locale, weekStart }, { user }) => {
  await setFormatPreference(user.id, { locale: locale || null, weekStart: weekStart === "" ? null : Number(weekStart) });
  revalidatePath("/", "layout");
  return null;
});
