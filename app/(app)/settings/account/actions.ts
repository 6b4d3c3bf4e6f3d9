"use server";

import { userAction } from "@/lib/actions/safe-action";
import { changePassword } from "@/lib/auth/change-password";
import { changePasswordSchema } from "@/lib/validations/auth";

export const changePasswordAction = userAction("change-password", changePasswordSchema, async (input, { user }) => {
  await changePassword({ ...input, userId: user.id });
  return null;
});
