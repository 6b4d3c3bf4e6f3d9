import { checkOutboundUrl, OutboundError, type OutboundPolicy, type Resolver } from "@/lib/net/outbound";

/**
 * The Exchange server address is user input that this server connects to: it goes through the
 * outbound guard (lib/net/outbound) under the policy the environment sets. On-premises Exchange
 * often lives on a private network, so `EWS_ALLOWED_HOSTS` (comma-separated host names) opens such
 * hosts explicitly; `EWS_ALLOW_HTTP=1` admits plain http, for tests against the local fake only.
 */

export type UrlRefusal = "invalid-url" | "insecure-scheme" | "unreachable";

export type GuardedUrl = { ok: true; url: URL; policy: OutboundPolicy } | { ok: false; reason: UrlRefusal; message: string };

type Env = Record<string, string | undefined>;

export interface GuardOptions {
  env?: Env;
  /** Replaces DNS in tests. */
  resolve?: Resolver;
}

export function allowedHosts(env: Env = process.env): Set<string> {
  return new Set(
    (env.EWS_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function ewsPolicy({ env = process.env, resolve }: GuardOptions = {}): OutboundPolicy {
  return { allowedHosts: allowedHosts(env), allowHttp: env.EWS_ALLOW_HTTP === "1", ...(resolve ? { resolve } : {}) };
}

/** Refuses at once an address the connection would refuse; the connection still checks DNS itself. */
export async function guardServerUrl(raw: string, options: GuardOptions = {}): Promise<GuardedUrl> {
  const policy = ewsPolicy(options);
  try {
    return { ok: true, url: await checkOutboundUrl(raw, policy), policy };
  } catch (error) {
    if (error instanceof OutboundError && (error.kind === "invalid-url" || error.kind === "insecure-scheme" || error.kind === "unreachable")) {
      return { ok: false, reason: error.kind, message: error.message };
    }
    throw error;
  }
}
