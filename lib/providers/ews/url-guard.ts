import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * The EWS server address is user input that this server connects to, so it is checked before
 * every use: https only, and never an address inside the host's own networks (loopback, private,
 * link-local, cloud metadata) unless the admin allows that host — on-premises Exchange often lives
 * on a private network, so `EWS_ALLOWED_HOSTS` (comma-separated host names) opens it explicitly.
 * `EWS_ALLOW_HTTP=1` admits plain http, for tests against the local fake only.
 */

export type UrlRefusal = "invalid-url" | "insecure-scheme" | "address-not-allowed" | "host-unreachable";

export type GuardedUrl =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: UrlRefusal; message: string };

type Env = Record<string, string | undefined>;

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["fd00:ec2::", 32],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** True for loopback, private, link-local (incl. 169.254.169.254 metadata), CGNAT, multicast and reserved ranges. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
  return blocked.check(address, "ipv6");
}

export function allowedHosts(env: Env = process.env): Set<string> {
  return new Set(
    (env.EWS_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface GuardOptions {
  env?: Env;
  /** Replaces DNS in tests. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

export async function guardServerUrl(raw: string, { env = process.env, resolve }: GuardOptions = {}): Promise<GuardedUrl> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "invalid-url", message: "The server address is not a valid URL." };
  }
  const httpAllowed = env.EWS_ALLOW_HTTP === "1";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && httpAllowed)) {
    return { ok: false, reason: "insecure-scheme", message: "The server address must start with https://." };
  }
  if (url.username || url.password) {
    return { ok: false, reason: "invalid-url", message: "Enter the login and password in their own fields, not in the address." };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await (resolve ?? ((h) => lookup(h, { all: true, verbatim: true })))(host);
  } catch {
    return { ok: false, reason: "host-unreachable", message: `The server name ${host} could not be found (DNS).` };
  }
  const first = addresses[0];
  if (!first) return { ok: false, reason: "host-unreachable", message: `The server name ${host} could not be found (DNS).` };
  // Every address must pass: a host that resolves to one public and one private address could be
  // steered to the private one by the connection's own lookup.
  if (!allowedHosts(env).has(host) && addresses.some((entry) => isForbiddenAddress(entry.address))) {
    return {
      ok: false,
      reason: "address-not-allowed",
      message: `The server ${host} is on a local or private network. An administrator can allow it with EWS_ALLOWED_HOSTS.`,
    };
  }
  return { ok: true, url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
