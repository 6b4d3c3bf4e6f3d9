import { type OutboundPolicy } from "@/lib/net/outbound";
import { guardServerUrl, type GuardedUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";

/**
 * Every address this provider connects to — the one typed, each redirect's target, every href a
 * server names — passes here first, and every socket it opens resolves through the same policy
 * (lib/net/outbound's guarded lookup), so a second DNS answer cannot steer a connection elsewhere.
 * The one place that names the app's URL guard.
 */
export type AddressGuardOptions = GuardOptions;
export type CheckedAddress = GuardedUrl;
export type { OutboundPolicy };

export function checkAddress(raw: string, options: AddressGuardOptions = {}): Promise<CheckedAddress> {
  return guardServerUrl(raw, options);
}
