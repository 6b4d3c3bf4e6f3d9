type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The address the request came from, as the nearest proxy saw it. Next.js appends the socket's
 * address to X-Forwarded-For, so the last entry is the one a client cannot forge; earlier entries are.
 */
export function clientIp(headers: HeaderBag): string | null {
  const forwarded = header(headers, "x-forwarded-for");
  const last = forwarded?.split(",").map((part) => part.trim()).filter(Boolean).pop();
  return last ?? header(headers, "x-real-ip") ?? null;
}
