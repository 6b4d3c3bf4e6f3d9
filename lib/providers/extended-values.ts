import { createHash } from "node:crypto";
import type { z } from "zod";
import type { EventContent } from "@/lib/calendar/event-content";

/**
 * What the Exchange providers (EWS and Microsoft Graph: the same Outlook items) keep in extended
 * properties of an item, read back: JSON this app wrote, checked on the way back in.
 */

/** The value parsed and checked, or null when it is missing or not ours any more (another program rewrote it). */
export function readJsonValue<T>(schema: z.ZodType<T>, raw: string | null): T | null {
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A cancelled occurrence kept on its master has no item of its own, hence no ChangeKey or etag: its version is its content. */
export const cancelledToken = (content: EventContent) => `cancelled:${createHash("sha256").update(JSON.stringify(content)).digest("base64url").slice(0, 22)}`;
