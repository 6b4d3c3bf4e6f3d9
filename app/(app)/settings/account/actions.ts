"use server";

import { revalidatePath } from "next/cache";
import { userAction } from "@/lib/actions/safe-action";
import { changePassword } from "@/lib/auth/change-password";
import { setTimeZone } from "@/lib/auth/time-zone";
import { changePasswordSchema } from "@/lib/validations/auth";
import { timeZoneSettingSchema } from "@/lib/validations/event";

export const changePasswordAction = userAction("change-password", changePasswordSchema, async (input, { user }) => {
  await changePassword({ ...input, userId: user.id });
  return null;
});

export const setTimeZoneAction = userAction("set-time-zone", timeZoneSettingSchema, async ({ timeZone }, { user }) => {
  await setTimeZone(user.id, timeZone);
  revalidatePath("/", "layout");
  return null;
});
