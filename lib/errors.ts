/**
 * The one error type the edges (server actions, route handlers) turn into a message for the user.
 * Anything else that escapes is a bug: logged in full, shown as a generic failure.
 */
export type AppErrorCode =
  /** Input failed validation; `fieldErrors` says which field. */
  | "invalid_input"
  /** No session, or the session was issued before the password changed. */
  | "unauthenticated"
  /** The thing does not exist for this user (also for other users' things: never reveal them). */
  | "not_found"
  /** A unique value is taken, e.g. an email already registered. */
  | "conflict"
  /** Too many attempts: the message says how long to wait. */
  | "rate_limited"
  /** Credentials did not match. */
  | "wrong_credentials";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}
