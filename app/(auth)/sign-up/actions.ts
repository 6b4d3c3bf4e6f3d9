"use server";

import { publicAction } from "@/lib/actions/safe-action";
import { registerUser } from "@/lib/auth/register-user";
import { signUpSchema } from "@/lib/validations/auth";

export const signUpAction = publicAction("sign-up", signUpSchema, async (input) => {
  const user = await registerUser(input);
  return { email: user.email };
});
