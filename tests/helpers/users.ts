import { registerUser } from "@/lib/auth/register-user";
import { signUpSchema } from "@/lib/validations/auth";

let counter = 0;

export const TEST_PASSWORD = "correct horse battery";

/** Registers a user through the same validation the sign-up form's action applies. */
export async function createTestUser(overrides: { email?: string; password?: string; name?: string } = {}) {
  counter += 1;
  const input = signUpSchema.parse({
    name: overrides.name ?? `User ${counter}`,
    email: overrides.email ?? `user${counter}-${Date.now()}@example.com`,
    password: overrides.password ?? TEST_PASSWORD,
    timeZone: "Europe/Prague",
  });
  const user = await registerUser(input);
  return { ...user, password: input.password };
}
