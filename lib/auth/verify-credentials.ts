import { getDb } from "../db/client";
import { AppError } from "../errors";
import { signInSchema, type SignInInput } from "../validations/auth";
import { verifyAgainstNothing, verifyPassword } from "./password";
import { attemptFailed, attemptSucceeded, beginAttempt, signInCounters } from "./throttle";

export interface VerifiedUser {
  id: string;
  email: string;
  name: string;
  passwordVersion: number;
}

export const WRONG_CREDENTIALS = "Wrong email or password.";

export interface SignInAttempt extends SignInInput {
  /** The client's address as the trusted proxies report it; null behind none (see client-ip). */
  ip?: string | null;
  /** The id of the browser's valid device cookie for this account (see device-cookie), if it has one. */
  device?: string | null;
}

/**
 * Checks a sign-in attempt under the throttle. Never says whether the email exists: an unknown
 * account is counted and answered exactly like a wrong password.
 */
export async function verifyCredentials(input: SignInAttempt): Promise<VerifiedUser> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) throw new AppError("wrong_credentials", WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const attempt = await beginAttempt(signInCounters({ email, ip: input.ip ?? null, device: input.device ?? null }));

  const db = await getDb();
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordVersion: true, passwordHash: true },
  });
  const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstNothing(password);
  if (!user || !valid) {
    await attemptFailed(attempt);
    throw new AppError("wrong_credentials", WRONG_CREDENTIALS);
  }
  await attemptSucceeded(attempt);
  return { id: user.id, email: user.email, name: user.name, passwordVersion: user.passwordVersion };
}
