import { AppError } from "../errors";
import { Prisma } from "./generated/client";

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * What a person reads when a unique constraint refuses a write that a check before it did not
 * catch (two tabs, a double click): what exists already and where, never "try again", which
 * could not succeed. Keyed by the model the write was for.
 */
const TAKEN: Record<string, string> = {
  User: "This email is already registered. Sign in instead.",
  SyncAccount: "This account is already connected: it is listed under Settings → Synchronization. Nothing was added.",
  OAuthFlow: "This sign-in was already used. Start it again from the Synchronization page.",
};
const TAKEN_ELSE = "This was saved already, perhaps from another tab or by a double click. Reload the page to see it.";

/** A unique-constraint violation as the conflict a person can act on; anything else unchanged. */
export function uniqueViolationAsAppError(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  const model = (error as Prisma.PrismaClientKnownRequestError).meta?.modelName;
  return new AppError("conflict", (typeof model === "string" && TAKEN[model]) || TAKEN_ELSE);
}
