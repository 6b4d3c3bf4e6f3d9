import { networkInterfaces } from "node:os";
import ipaddr from "ipaddr.js";

/**
 * Whether an address is one the app may connect to on a user's behalf: global unicast only. The
 * IANA special-purpose table comes from ipaddr.js (its `range()`), which follows the registries;
 * anything it names other than "unicast" is refused. IPv6 must also lie in 2000::/3, the only block
 * IANA allocates for global unicast, which leaves out the deprecated IPv4-compatible ::/96 and any
 * block the table has not named yet.
 */

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

/**
 * IPv6 forms that carry an IPv4 address and reach it: IPv4-mapped (how a dual-stack socket writes
 * IPv4) and the NAT64 well-known prefix (DNS64's answers for IPv4-only hosts). They are judged by
 * the IPv4 address inside. 6to4, Teredo and the local-use NAT64 prefix stay refused as special-purpose.
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (address.isIPv4MappedAddress()) return address.toIPv4Address();
  if (address.match(NAT64_WELL_KNOWN)) return new ipaddr.IPv4(address.toByteArray().slice(12));
  return null;
}

const withoutZone = (address: string) => address.replace(/%.*$/, "");

/** Every address of this host's own interfaces: a user-supplied URL must never reach the app's host. */
export function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      const address = withoutZone(entry.address);
      if (ipaddr.isValid(address)) own.add(ipaddr.process(address).toString());
    }
  }
  return own;
}

/** True only for a global unicast address that is not one of this host's own. */
export function isPublicAddress(address: string, own: ReadonlySet<string> = ownAddresses()): boolean {
  const text = withoutZone(address);
  if (!ipaddr.isValid(text)) return false;
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === "ipv6") {
    const v6 = parsed as ipaddr.IPv6;
    const v4 = embeddedIpv4(v6);
    if (v4) return isPublicIpv4(v4, own);
    return !own.has(v6.toString()) && v6.range() === "unicast" && v6.match(GLOBAL_UNICAST_V6);
  }
  return isPublicIpv4(parsed as ipaddr.IPv4, own);
}

function isPublicIpv4(address: ipaddr.IPv4, own: ReadonlySet<string>): boolean {
  return !own.has(address.toString()) && address.range() === "unicast";
}
