import { graphNotificationsSchema, receiveGraphNotifications } from "@/lib/sync-accounts/graph-push";

/** Graph's validation tokens are short opaque strings; a longer "token" is not from Graph and is not echoed. */
const MAX_VALIDATION_TOKEN = 1024;

/**
 * Microsoft Graph's change and lifecycle notifications for the subscriptions of Office.com (Graph)
 * accounts. Graph signs in as no one: the subscription id and its clientState (compared by hash)
 * are the only credentials.
 *
 * - `?validationToken=…` is Graph checking this endpoint before it creates a subscription: the
 *   answer is the decoded token, 200 text/plain, and nothing else happens.
 * - Otherwise the body is a changeNotificationCollection. Every well-formed one gets 202 with an
 *   empty body, whether or not any entry named a live subscription of ours with its clientState:
 *   Graph treats any 2xx as delivered (anything else it retries for hours, which helps no one for
 *   a subscription we have forgotten), and a uniform answer tells a prober nothing about which
 *   subscription ids exist. Only a body that is not a notification collection at all gets 400.
 */
export async function POST(request: Request) {
  const validationToken = new URL(request.url).searchParams.get("validationToken");
  if (validationToken !== null) {
    if (validationToken.length === 0 || validationToken.length > MAX_VALIDATION_TOKEN) return new Response(null, { status: 400 });
    return new Response(validationToken, { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" } });
  }
  const body: unknown = await request.json().catch(() => null);
  const parsed = graphNotificationsSchema.safeParse(body);
  if (!parsed.success) return new Response(null, { status: 400 });
  await receiveGraphNotifications(parsed.data.value);
  return new Response(null, { status: 202 });
}
