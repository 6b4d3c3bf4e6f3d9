import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPublicAddress, ownAddresses } from "@/lib/net/public-address";

/**
 * HTTP to addresses that users type in (an Exchange server, a CalDAV server): https only, never an
 * address outside the global unicast space or on this host, unless an administrator allowed that
 * host by name. Each DNS answer is checked where the socket connects (a `lookup` of the request),
 * so a second answer cannot point the connection somewhere the first check did not see.
 *
 * Every refused or unreachable address fails with one message (UNREACHABLE_MESSAGE): whether an
 * address was refused, had no DNS name, had a closed port or timed out must not be told apart, or
 * the form becomes a scanner of the networks behind the app.
 */

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundPolicy {
  /** Host names (lower case) that may resolve to private or local addresses: an administrator's choice. */
  allowedHosts?: ReadonlySet<string>;
  /** Admit plain http: for tests against local fakes only. */
  allowHttp?: boolean;
  /** Replaces DNS (tests). */
  resolve?: Resolver;
}

export type OutboundFailure = "invalid-url" | "insecure-scheme" | "unreachable" | "tls-untrusted" | "too-large";

export const UNREACHABLE_MESSAGE =
  "The server could not be reached at this address, or the address is not one the app may connect to (servers on a local or private network need an administrator's approval).";

export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    message: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

const unreachable = () => new OutboundError("unreachable", UNREACHABLE_MESSAGE);

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();

/** Parses a user-supplied address and checks what can be checked without DNS; throws OutboundError. */
export function parseOutboundUrl(raw: string, policy: OutboundPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new OutboundError("invalid-url", "The server address is not a valid URL.");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowHttp)) {
    throw new OutboundError("insecure-scheme", "The server address must start with https://.");
  }
  if (url.username || url.password) {
    throw new OutboundError("invalid-url", "Enter the login and password in their own fields, not in the address.");
  }
  const host = hostOf(url);
  if (isIP(host) && !policy.allowedHosts?.has(host) && !isPublicAddress(host)) throw unreachable();
  return url;
}

async function resolveChecked(host: string, policy: OutboundPolicy): Promise<{ address: string; family: number }[]> {
  let answers: { address: string; family: number }[];
  try {
    answers = await (policy.resolve ?? ((name) => dnsLookup(name, { all: true, verbatim: true })))(host);
  } catch {
    throw unreachable();
  }
  if (answers.length === 0) throw unreachable();
  if (policy.allowedHosts?.has(host)) return answers;
  // Every answer must pass: the connection may pick any of them.
  const own = ownAddresses();
  if (answers.some((answer) => !isPublicAddress(answer.address, own))) throw unreachable();
  return answers;
}

/**
 * Checks an address before anything is sent to it, so a form can refuse it at once. The connection
 * checks DNS again itself (see guardedLookup); this check is for the early answer, not the defence.
 */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy = {}): Promise<URL> {
  const url = parseOutboundUrl(raw, policy);
  const host = hostOf(url);
  if (!isIP(host)) await resolveChecked(host, policy);
  return url;
}

/** A `lookup` for sockets: resolves, and refuses the connection when any answer is not allowed. */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/\.$/, "").toLowerCase();
    resolveChecked(host, policy).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((answer) => answer.family === options.family) : answers;
        const first = wanted[0];
        if (!first) return callback(unreachable(), "", 0);
        if (options.all) callback(null, wanted.map((answer) => ({ address: answer.address, family: answer.family })));
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, "", 0),
    );
  };
}

export interface OutboundAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface OutboundRequest {
  url: URL;
  policy: OutboundPolicy;
  method?: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** The largest answer read; a larger one fails as "too-large". */
  maxBytes?: number;
  /** A kept-alive agent, for schemes that authenticate the connection (NTLM). */
  agent?: http.Agent;
}

/** Node error codes that mean the server's certificate was not trusted. */
export const TLS_CODES: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * One HTTP exchange under the policy, with a deadline and a size cap, following no redirect (it
 * could lead anywhere). Certificates are always verified; a private CA comes in through
 * NODE_EXTRA_CA_CERTS.
 */
export function outboundRequest({ url, policy, method = "POST", headers, body, timeoutMs = 30_000, maxBytes = 20 * 1024 * 1024, agent }: OutboundRequest): Promise<OutboundAnswer> {
  try {
    parseOutboundUrl(url.toString(), policy);
  } catch (error) {
    return Promise.reject(error);
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method, headers: { ...headers, ...(body ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) }, lookup: guardedLookup(policy), timeout: timeoutMs, ...(agent ? { agent } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy(new OutboundError("too-large", `The server's answer is larger than the ${Math.round(maxBytes / 1024)} KB allowed.`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    const deadline = setTimeout(() => request.destroy(unreachable()), timeoutMs);
    request.on("close", () => clearTimeout(deadline));
    request.on("timeout", () => request.destroy(unreachable()));
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof OutboundError) reject(error);
      else if (error.code && TLS_CODES.has(error.code)) reject(new OutboundError("tls-untrusted", `The server's TLS certificate is not trusted (${error.code}).`));
      else reject(unreachable());
    });
    request.end(body);
  });
}
