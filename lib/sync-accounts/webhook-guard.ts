import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { authSecret } from "@/lib/auth/auth-secret";
import { clientIp } from "@/lib/auth/client-ip";
import { createRateLimiter } from "@/lib/server/rate-limit";

/**
 * What stands between a flood of forged notifications and the database, in order of cost:
 * 1. a per-source rate limit (when TRUST_PROXY names the client's address; otherwise every request
 *    would share one bucket and a flood would starve Google's and Microsoft's own deliveries);
 * 2. the secret every channel and subscription carries is signed by this app (an HMAC with the auth
 *    secret, which every process of a deployment shares), so a notification that cannot belong to
 *    any channel of ours is refused without a query;
 * 3. a global limit on the notifications that passed both, i.e. on the database work itself;
 * and the body is read only up to a bound.
 */

export const WEBHOOK_LIMITS = {
  perSourcePerMinute: 600,
  verifiedPerMinute: 3_000,
  maxBodyBytes: 1024 * 1024,
};

const perSource = createRateLimiter({ perMinute: WEBHOOK_LIMITS.perSourcePerMinute });
const verified = createRateLimiter({ perMinute: WEBHOOK_LIMITS.verifiedPerMinute });

/** False when the request's source has sent too many notifications (429). */
export function admitSource(request: Request): boolean {
  const source = clientIp(request.headers);
  return source === null || perSource.take(source);
}

/** False when this process has done as much notification work as it will this minute (429). */
export function admitVerified(): boolean {
  return verified.take("all");
}

const mac = (purpose: string, subject: string) => createHmac("sha256", authSecret()).update(`webhook\n${purpose}\n${subject}`).digest("base64url");

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Google's channel token: bound to the channel id this app chose. */
export const googleChannelToken = (channelId: string) => mac("google-channel", channelId);

export const isGoogleChannelToken = (channelId: string, token: string) => same(token, googleChannelToken(channelId));

/** Graph's clientState: Graph assigns the subscription id only after, so the token signs a nonce of its own. */
export function graphClientState(): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${mac("graph-client-state", nonce)}`;
}

export function isGraphClientState(clientState: string): boolean {
  const [nonce, signature, extra] = clientState.split(".");
  return Boolean(nonce && signature && extra === undefined && same(signature, mac("graph-client-state", nonce)));
}

/** The body as text, or null when it is longer than the bound (413): read no further than that. */
export async function readBoundedBody(request: Request, maxBytes = WEBHOOK_LIMITS.maxBodyBytes): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
