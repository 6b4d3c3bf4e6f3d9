import { isIP } from "node:net";
import { serverEnv } from "@/lib/config/env";
import { isPublicAddress } from "@/lib/net/public-address";

/**
 * Google and Microsoft both deliver push notifications only to public https endpoints: a private,
 * loopback or single-label host could never be reached from their side.
 */
export function isPublicHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  // Unlike outbound requests, this host's own address is fine here: it is the app's public address.
  if (isIP(host)) return isPublicAddress(host, new Set());
  return host.includes(".") && !/\.(localhost|local|internal|lan|home\.arpa)$/.test(host);
}

/**
 * The app's address for a webhook at `path` (e.g. "/api/webhooks/google"), or null when the
 * service could not reach it. `allowHttp` (a test-only flag) accepts any APP_URL, for the fakes.
 */
export function webhookAddress(path: string, allowHttp: boolean): string | null {
  const appUrl = serverEnv().APP_URL;
  if (!appUrl) return null;
  const url = new URL(appUrl);
  if (!allowHttp && (url.protocol !== "https:" || !isPublicHost(url.hostname))) return null;
  return `${appUrl.replace(/\/+$/, "")}${path}`;
}
