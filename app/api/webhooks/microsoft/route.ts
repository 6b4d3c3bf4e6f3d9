import { graphNotificationsSchema, receiveGraphNotifications, signedNotifications } from "@/lib/sync-accounts/graph-push";
import { admitSource, admitVerified, readBoundedBody } from "@/lib/sync-accounts/webhook-guard";

/** Graph's validation tokens are short opaque strings; a longer "token" is not from Graph and is not echoed. */
const MAX_VALIDATION_TOKEN = 1024;

const tooMany = () => new Response(null, { status: 429, headers: { "retry-after": "60" } });

/**
 * Microsoft Graph's change and lifecycle notifications for the subscriptions of Office.com (Graph)
 * accounts. Graph signs in as no one: the subscription id and its clientState (signed by this app,
 * and compared by hash) are the only credentials.
 *
 * - `?validationToken=…` is Graph checking this endpoint before it creates a subscription: the
 *   answer is the decoded token, 200 text/plain, and nothing else happens.
 * - Otherwise the body (at most WEBHOOK_LIMITS.maxBodyBytes, else 413) is a
 *   changeNotificationCollection. Every well-formed one gets 202 with an empty body, whether or not
 *   any entry named a live subscription of ours with its clientState: Graph treats any 2xx as
 *   delivered (anything else it retries for hours, which helps no one for a subscription we have
 *   forgotten), and a uniform answer tells a prober nothing about which subscription ids exist.
 *   Entries whose clientState this app did not sign are dropped without a query. Only a body that
 *   is not a notification collection at all gets 400; a flood gets 429.
 */
export async function POST(request: Request) {
  if (!admitSource(request)) return tooMany();
  const validationToken = new URL(request.url).searchParams.get("validationToken");
  if (validationToken !== null) {
    if (validationToken.length === 0 || validationToken.length > MAX_VALIDATION_TOKEN) return new Response(null, { status: 400 });
    return new Response(validationToken, { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" } });
  }
  const text = await readBoundedBody(request);
  if (text === null) return new Response(null, { status: 413 });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(null, { status: 400 });
  }
  const parsed = graphNotificationsSchema.safeParse(body);
  if (!parsed.success) return new Response(null, { status: 400 });
  const ours = signedNotifications(parsed.data.value);
  if (ours.length > 0) {
    if (!admitVerified()) return tooMany();
    await receiveGraphNotifications(ours);
  }
  return new Response(null, { status: 202 });
}
