import { z } from "zod";

/**
 * Microsoft Graph change-notification subscriptions on the signed-in user's events (/subscriptions).
 * Creating one makes Graph validate the notification and lifecycle URLs first (it posts a
 * validationToken to each and waits up to 10 s for the echo), so a create can take seconds.
 * Subscriptions on Outlook events live at most 10,080 minutes; PATCH moves the end later.
 */

export interface SubscriptionTarget {
  /** e.g. https://graph.microsoft.com/v1.0 */
  graphUrl: string;
  accessToken: string;
  fetch?: typeof fetch;
}

export interface GraphSubscriptionInfo {
  id: string;
  expiresAt: Date;
}

type Step = "create" | "renew" | "delete";

/** Graph refused a subscription call or could not be reached; names the step, status and Graph's error code — never a token or the clientState. */
export class GraphSubscriptionError extends Error {
  constructor(
    readonly step: Step,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(`Graph subscription ${step} failed: ${status === null ? "unreachable" : `status ${status}`}${code ? ` (${code})` : ""}`);
    this.name = "GraphSubscriptionError";
  }
}

/** Creation waits for Graph's validation of two URLs, each allowed 10 s. */
const CREATE_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 15_000;

const subscriptionSchema = z.object({ id: z.string().min(1), expirationDateTime: z.iso.datetime({ offset: true }) });
const errorSchema = z.object({ error: z.object({ code: z.string() }) });

async function call(step: Step, target: SubscriptionTarget, path: string, init: { method: string; body?: object }): Promise<Response> {
  let response: Response;
  try {
    response = await (target.fetch ?? fetch)(`${target.graphUrl}${path}`, {
      method: init.method,
      headers: { Authorization: `Bearer ${target.accessToken}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(step === "create" ? CREATE_TIMEOUT_MS : CALL_TIMEOUT_MS),
    });
  } catch {
    throw new GraphSubscriptionError(step, null, null);
  }
  if (response.ok) return response;
  const body: unknown = await response.json().catch(() => null);
  const parsed = errorSchema.safeParse(body);
  throw new GraphSubscriptionError(step, response.status, parsed.success ? parsed.data.error.code : null);
}

async function subscriptionOf(step: Step, response: Response): Promise<GraphSubscriptionInfo> {
  const parsed = subscriptionSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new GraphSubscriptionError(step, response.status, "unexpected answer");
  return { id: parsed.data.id, expiresAt: new Date(parsed.data.expirationDateTime) };
}

/**
 * POST /subscriptions: created, updated and deleted events of the synced calendar — the default one
 * (me/events) or the one named (me/calendars/{id}/events).
 */
export async function createSubscription(
  target: SubscriptionTarget & { notificationUrl: string; lifecycleNotificationUrl: string; clientState: string; expiresAt: Date; calendarId?: string | null },
): Promise<GraphSubscriptionInfo> {
  const response = await call("create", target, "/subscriptions", {
    method: "POST",
    body: {
      changeType: "created,updated,deleted",
      resource: target.calendarId ? `me/calendars/${encodeURIComponent(target.calendarId)}/events` : "me/events",
      notificationUrl: target.notificationUrl,
      lifecycleNotificationUrl: target.lifecycleNotificationUrl,
      clientState: target.clientState,
      expirationDateTime: target.expiresAt.toISOString(),
    },
  });
  return subscriptionOf("create", response);
}

/** PATCH /subscriptions/{id}: a new end. A 404 (Graph no longer has it) surfaces as GraphSubscriptionError with status 404. */
export async function renewSubscription(target: SubscriptionTarget & { id: string; expiresAt: Date }): Promise<GraphSubscriptionInfo> {
  const response = await call("renew", target, `/subscriptions/${encodeURIComponent(target.id)}`, { method: "PATCH", body: { expirationDateTime: target.expiresAt.toISOString() } });
  return subscriptionOf("renew", response);
}

/** DELETE /subscriptions/{id}; false when Graph no longer knows it (expired or removed), which is just as good. */
export async function deleteSubscription(target: SubscriptionTarget & { id: string }): Promise<boolean> {
  try {
    await call("delete", target, `/subscriptions/${encodeURIComponent(target.id)}`, { method: "DELETE" });
    return true;
  } catch (error) {
    if (error instanceof GraphSubscriptionError && error.status === 404) return false;
    throw error;
  }
}
