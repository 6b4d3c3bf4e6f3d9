import { getDb } from "../db/client";
import { AppError } from "../errors";
import type { ChangePasswordValues } from "../validations/auth";
import { hashPassword, verifyPassword } from "./password";
import { attemptFailed, attemptSucceeded, beginAttempt, reauthCounters } from "./throttle";

/**
 * Replaces the user's password and bumps the password version, which signs out every other session
 * and voids anything granted under the old password. Returns the new version.
 */
export async function changePassword({
  userId,
  currentPassword,
  newPassword,
}: ChangePasswordValues & { userId: string }): Promise<number> {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");

  const attempt = await beginAttempt(reauthCounters(userId));
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    await attemptFailed(attempt);
    throw new AppError("wrong_credentials", "Your current password is wrong.", {
      currentPassword: "This is not your current password.",
    });
  }
  await attemptSucceeded(attempt);

  const updated = await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(newPassword), passwordVersion: { increment: 1 } },
    select: { passwordVersion: true },
  });
  return updated.passwordVersion;
}
