import { z } from "zod";

/**
 * What a sync account copies, where and when: data of the account, one schema for the rules form
 * and the server. The defaults are what an account did before rules existed (both ways, everything,
 * no filter, all time), so a stored value that is missing or unreadable keeps that behaviour.
 */

export const DIRECTIONS = ["both", "to-remote", "to-atollon"] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** everything; "busy": a block with the user's text and the times only; "title-times": title and times. */
export const COPY_MODES = ["everything", "busy", "title-times"] as const;
export type CopyMode = (typeof COPY_MODES)[number];

const MAX_DAYS = 3650;
const days = z.number().int().min(0).max(MAX_DAYS).nullable();

export const syncRulesSchema = z.object({
  direction: z.enum(DIRECTIONS),
  /** What reaches the remote calendar from Atollon. */
  toRemote: z.enum(COPY_MODES),
  /** What reaches Atollon from the remote calendar. */
  toAtollon: z.enum(COPY_MODES),
  busyText: z.string().trim().min(1, "Say what a busy block shows.").max(100),
  skipAllDay: z.boolean(),
  skipFree: z.boolean(),
  skipDeclined: z.boolean(),
  skipPrivate: z.boolean(),
  /** Events whose title contains any of these (case-insensitive) are not copied. */
  titleWords: z.array(z.string().trim().min(1).max(100)).max(50),
  /** Copy only events that end after this many days in the past; null: all past. */
  pastDays: days,
  /** Copy only events that start before this many days in the future; null: all future. */
  futureDays: days,
});

export type SyncRules = z.infer<typeof syncRulesSchema>;

export const DEFAULT_RULES: SyncRules = {
  direction: "both",
  toRemote: "everything",
  toAtollon: "everything",
  busyText: "Busy",
  skipAllDay: false,
  skipFree: false,
  skipDeclined: false,
  skipPrivate: false,
  titleWords: [],
  pastDays: null,
  futureDays: null,
};

/** The rules stored on an account (JSON), or the defaults when none are stored. */
export function storedRules(value: unknown): SyncRules {
  if (value === null || value === undefined) return DEFAULT_RULES;
  const parsed = syncRulesSchema.safeParse(value);
  if (!parsed.success) throw new Error(`The stored sync rules are not valid: ${parsed.error.issues[0]?.message ?? "unknown field"}.`);
  return parsed.data;
}

export const isDefaultRules = (rules: SyncRules): boolean => JSON.stringify(rules) === JSON.stringify(DEFAULT_RULES);
