import { z } from "zod";

export const atollonGrantSchema = z.object({ password: z.string().min(1, "Enter your login password.").max(200, "That password is too long.") });

/** Beside a password change in the app: move the Atollon grant to the new password too, so no sync pauses. */
export const changePasswordForSyncSchema = z.object({ alsoForSync: z.boolean() });

export const googleLoginSchema = z.object({
  login: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter your Google address.")
    .max(254, "That address is too long.")
    .pipe(z.email("Enter a Google address such as name@gmail.com.")),
});

/** The Microsoft 365 sign-in address (work or school account) to connect over Microsoft Graph. */
export const microsoftLoginSchema = z.object({
  login: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter your Microsoft 365 sign-in address.")
    .max(254, "That address is too long.")
    .pipe(z.email("Enter your Microsoft 365 sign-in address, e.g. name@company.com.")),
});

export const accountIdSchema = z.object({ accountId: z.uuid() });
export const flowIdSchema = z.object({ flowId: z.uuid() });
/** Create of a Google account: the calendar chosen among those it may write to (absent: the default one). */
const chosenCalendarId = z.string().trim().min(1).max(1024).optional();
export const createGoogleSchema = flowIdSchema.extend({ calendarId: chosenCalendarId });
/** Create after Sign in with Microsoft: the calendar chosen as with Google. */
export const createMicrosoftSchema = createGoogleSchema;

export const syncNowSchema = z.object({ accountId: z.uuid(), deletions: z.enum(["ask", "apply", "restore"]).default("ask") });

export const CONFLICT_POLICIES = ["LATEST", "LOCAL", "REMOTE", "ASK"] as const;
export const conflictPolicySchema = z.object({ accountId: z.uuid(), policy: z.enum(CONFLICT_POLICIES, "Choose who wins a conflict.") });

export const chooseCalendarSchema = z.object({
  accountId: z.uuid(),
  calendarId: z.string().trim().min(1, "Choose a calendar.").max(1024),
  /** The copies made in the calendar being left: left there, or removed. */
  oldCopies: z.enum(["leave", "remove"], "Say what becomes of the copies in the old calendar."),
});

export const OFFICE365_EWS_URL = "https://outlook.office365.com/EWS/Exchange.asmx";

// DOMAIN\user, user@domain or a plain user name: no spaces or control characters.
const ewsLogin = z
  .string()
  .trim()
  .min(1, "Enter the login.")
  .max(256, "That login is too long.")
  .regex(/^[^\s\p{Cc}]+$/u, "A login has no spaces: DOMAIN\\user or user@domain.");

const ewsPassword = z.string().min(1, "Enter the password.").max(1024, "That password is too long.");

const serverUrl = z
  .string()
  .trim()
  .max(2048, "That address is too long.")
  .refine((value) => URL.canParse(value), "Enter the full address, e.g. https://mail.example.com/EWS/Exchange.asmx.");

export const officeAccountSchema = z.object({
  login: ewsLogin.pipe(z.email("Enter your Office 365 sign-in address, e.g. name@company.com.")),
  serverUrl,
  password: ewsPassword,
  /** Chosen after the server listed the mailbox's calendars (absent before, or with one calendar). */
  calendarId: chosenCalendarId,
});

/** Server left empty: it is looked up from the login's domain (Autodiscover) and shown for confirmation. */
export const exchangeAccountSchema = z.object({
  login: ewsLogin,
  serverUrl: z.union([z.literal(""), serverUrl]),
  password: ewsPassword,
  calendarId: chosenCalendarId,
});

export const ewsPasswordSchema = z.object({ accountId: z.uuid(), password: ewsPassword });

/** "Add CalDAV account": where each kind of server keeps its CalDAV. Nextcloud's lives under the person's own server. */
export const CALDAV_PRESETS = {
  icloud: { label: "iCloud", serverUrl: "https://caldav.icloud.com" },
  fastmail: { label: "Fastmail", serverUrl: "https://caldav.fastmail.com" },
  nextcloud: { label: "Nextcloud", serverUrl: "" },
  other: { label: "Other CalDAV server", serverUrl: "" },
} as const;
export const CALDAV_KINDS = ["icloud", "fastmail", "nextcloud", "other"] as const;
export type CalDavKind = (typeof CALDAV_KINDS)[number];

const caldavLogin = z.string().trim().min(1, "Enter the login.").max(256, "That login is too long.").regex(/^[^\s\p{Cc}]+$/u, "A login has no spaces.");

/** Step 1: the server and the login; the server answers with the calendars to pick from. */
export const caldavConnectionSchema = z.object({
  kind: z.enum(CALDAV_KINDS),
  serverUrl: z.string().trim().min(1, "Enter the server address.").max(2048, "That address is too long.").refine((value) => URL.canParse(value), "Enter the full address, e.g. https://cloud.example.com/remote.php/dav."),
  login: caldavLogin,
  password: ewsPassword,
});

/** Step 2: the same, and the calendar picked from the list. */
export const caldavAccountSchema = caldavConnectionSchema.extend({
  calendarUrl: z.string().trim().min(1, "Pick a calendar.").max(2048).refine((value) => URL.canParse(value), "Pick a calendar."),
});

/** Nextcloud keeps CalDAV at /remote.php/dav under its own address. */
export function caldavServerUrl(kind: CalDavKind, serverUrl: string): string {
  const trimmed = serverUrl.trim().replace(/\/+$/, "");
  return kind === "nextcloud" && !/\/remote\.php\/dav$/i.test(trimmed) ? `${trimmed}/remote.php/dav` : trimmed;
}

export const settleConflictSchema = z.object({ conflictId: z.uuid(), choice: z.enum(["local", "remote", "both"], "Choose which version to keep.") });
export const conflictIdSchema = z.object({ conflictId: z.uuid() });
