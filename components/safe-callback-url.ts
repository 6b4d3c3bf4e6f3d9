/** Only paths on this site: an absolute or protocol-relative URL would make sign-in an open redirect. */
export function safeCallbackUrl(value: string | null | undefined, fallback = "/calendar"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}
