import { getDb } from "../db/client";
import { AppError } from "../errors";
import { signInSchema, type SignInInput } from "../validations/auth";
import { verifyAgainstNothing, verifyPassword } from "./password";
import { accountKey, assertNotThrottled, clearFailures, ipKey, recordFailure } from "./throttle";

export interface VerifiedUser {
  id: string;
  email: string;
  name: string;
  passwordVersion: number;
}

export const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Checks a sign-in attempt. Never says whether the email exists; failures count against both the
 * account and the client address, and either running out refuses further attempts for a while.
 */
export async function verifyCredentials(input: SignInInput & { ip?: string | null }): Promise<VerifiedUser> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) throw new AppError("wrong_credentials", WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const keys = { account: accountKey(email), ip: input.ip ? ipKey(input.ip) : null };
  await assertNotThrottled(keys);

  const db = await getDb();
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordVersion: true, passwordHash: true },
  });
  const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstNothing(password);
  if (!user || !valid) {
    await recordFailure(keys);
    throw new AppError("wrong_credentials", WRONG_CREDENTIALS);
  }
  await clearFailures(keys.account);
  return { id: user.id, email: user.email, name: user.name, passwordVersion: user.passwordVersion };
}
