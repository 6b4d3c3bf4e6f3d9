import { BlockList, isIP } from "node:net";

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

/**
 * Which proxies in front of the app may say who the client is (TRUST_PROXY):
 * - unset: none. Next.js gives route handlers and server actions no socket address: it only fills
 *   in X-Forwarded-For with the socket's address when the request has none, so a client that sends
 *   its own header is indistinguishable from one that does not. Without a trusted proxy the app
 *   therefore knows no client address at all (null), and the throttle keys on the account alone.
 * - a number N: N proxies, each appending the address it saw; the client is the Nth entry from the
 *   right of X-Forwarded-For (1 = one reverse proxy).
 * - a comma-separated list of addresses and CIDRs: the client is the rightmost entry that is not
 *   one of them (a platform load balancer whose address range is published).
 * In both trusted modes the app must be reachable only through those proxies.
 */
export type TrustProxy = { hops: number } | { proxies: BlockList } | null;

export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? "";
  if (text === "") return null;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 16) throw new Error(`TRUST_PROXY: ${text} hops is out of range (1–16).`);
    return { hops };
  }
  const proxies = new BlockList();
  for (const entry of text.split(",").map((part) => part.trim()).filter(Boolean)) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    if (!family) throw new Error(`TRUST_PROXY: "${entry}" is neither a number of hops nor an address or CIDR.`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) proxies.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (family === 6 ? 128 : 32)) throw new Error(`TRUST_PROXY: "${entry}" has an invalid prefix length.`);
      proxies.addSubnet(address, bits, type);
    }
  }
  return { proxies };
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

const canonical = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** The client's address as the trusted proxies report it, or null when none is trusted (or the header is unusable). */
export function clientIp(headers: HeaderBag, trust: TrustProxy = parseTrustProxy(process.env.TRUST_PROXY)): string | null {
  if (!trust) return null;
  const hops = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((part) => canonical(part.trim()))
    .filter(Boolean);
  let client: string | undefined;
  if ("hops" in trust) client = hops[Math.max(0, hops.length - trust.hops)];
  else client = [...hops].reverse().find((address) => !isTrusted(trust.proxies, address)) ?? hops[0];
  return client && isIP(client) ? client : null;
}
