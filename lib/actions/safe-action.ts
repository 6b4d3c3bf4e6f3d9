import { z } from "zod";
import { getCurrentUser, type CurrentUser } from "../auth/session";
import { uniqueViolationAsAppError } from "../db/errors";
import { AppError } from "../errors";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

const UNEXPECTED = "Something went wrong on our side. Nothing was changed; try again in a moment.";

function failure(thrown: unknown, action: string): ActionResult<never> {
  const error = uniqueViolationAsAppError(thrown);
  if (error instanceof z.ZodError) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of error.issues) fieldErrors[issue.path.join(".")] ??= issue.message;
    return { ok: false, error: "Check the highlighted fields.", fieldErrors };
  }
  if (error instanceof AppError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
  console.error(`[action ${action}] failed`, error);
  return { ok: false, error: UNEXPECTED };
}

/** A server action anyone may call: parse, run, map errors to a message the form can show. */
export function publicAction<Schema extends z.ZodType, T>(
  name: string,
  schema: Schema,
  handler: (input: z.output<Schema>) => Promise<T>,
) {
  return async (raw: z.input<Schema>): Promise<ActionResult<T>> => {
    try {
      return { ok: true, data: await handler(schema.parse(raw)) };
    } catch (error) {
      return failure(error, name);
    }
  };
}

/** A server action for the signed-in user only; the handler gets that user, never an id from the client. */
export function userAction<Schema extends z.ZodType, T>(
  name: string,
  schema: Schema,
  handler: (input: z.output<Schema>, context: { user: CurrentUser }) => Promise<T>,
) {
  return async (raw: z.input<Schema>): Promise<ActionResult<T>> => {
    try {
      const user = await getCurrentUser();
      if (!user) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
      return { ok: true, data: await handler(schema.parse(raw), { user }) };
    } catch (error) {
      return failure(error, name);
    }
  };
}
