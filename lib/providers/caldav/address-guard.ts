import { guardServerUrl, type GuardedUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";

/**
 * Every address this provider connects to — the one typed, each redirect's target, every href a
 * server names — passes here first. The one place that names the app's URL guard, so that moving to
 * another guard is a change of this file only.
 */
export type AddressGuardOptions = GuardOptions;
export type CheckedAddress = GuardedUrl;

export function checkAddress(raw: string, options: AddressGuardOptions = {}): Promise<CheckedAddress> {
  return guardServerUrl(raw, options);
}
