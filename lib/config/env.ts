import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const serverEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL connection string; unset means the embedded PGlite database. */
  DATABASE_URL: optional.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  /** Folder for the embedded database and generated secrets. */
  DATA_DIR: z.string().default(".data"),
  /** Where PGlite keeps its files; `memory://` keeps them in memory (tests). Defaults to DATA_DIR/pglite. */
  PGLITE_DIR: optional,
  AUTH_SECRET: optional,
  APP_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** 32 bytes, base64: encrypts stored secrets (refresh tokens, passwords). Generated into DATA_DIR when unset. */
  SECRETS_KEY: optional,
  /** Earlier SECRETS_KEY values, comma-separated: still decrypt what they encrypted, during a rotation. */
  SECRETS_PREVIOUS_KEYS: optional,
  GOOGLE_CLIENT_ID: optional,
  GOOGLE_CLIENT_SECRET: optional,
  GOOGLE_OAUTH_AUTH_URL: z.url().default("https://accounts.google.com/o/oauth2/v2/auth"),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default("https://oauth2.googleapis.com/token"),
  GOOGLE_OAUTH_REVOKE_URL: z.url().default("https://oauth2.googleapis.com/revoke"),
  GOOGLE_USERINFO_URL: z.url().default("https://openidconnect.googleapis.com/v1/userinfo"),
  /** The Calendar API root. */
  GOOGLE_API_URL: z.url().default("https://www.googleapis.com/"),
  /**
   * Google push channels need a public https APP_URL (Google refuses anything else); `1` also
   * registers them for an http or local APP_URL — tests against the fake Google only.
   */
  GOOGLE_PUSH_ALLOW_HTTP: z.enum(["0", "1"]).default("0"),
  /**
   * Microsoft Graph change notifications need a public https APP_URL too (Graph posts nowhere else);
   * `1` also subscribes for an http or local APP_URL — tests against the fake Graph only.
   */
  GRAPH_PUSH_ALLOW_HTTP: z.enum(["0", "1"]).default("0"),
  /** Calls per batch request (Google allows up to 1,000; each still counts against the quota). */
  GOOGLE_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  /** Writes per minute per account: stay under the project's per-user quota instead of collecting 403s. */
  GOOGLE_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** The longest wait Google may ask for (Retry-After) or back-off may take; a longer one ends the run. */
  GOOGLE_RETRY_MAX_WAIT_SECONDS: z.coerce.number().min(0).max(3600).default(60),
  /** All the waiting one run may do for Google; beyond it the run ends and the next one resumes. */
  GOOGLE_RETRY_BUDGET_SECONDS: z.coerce.number().min(0).max(3600).default(120),
  /** How often each account is synced when nothing asks for it sooner. */
  SYNC_INTERVAL_MINUTES: z.coerce.number().min(0.05).max(1440).default(5),
  /** A burst of edits in the calendar becomes one sync this long after the last of them. */
  SYNC_AFTER_EDIT_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  /**
   * How long a run holds its account without a sign of life: the run renews it every third of this,
   * so only a process that died (or hung) lets another run of the account start.
   */
  SYNC_RUN_LEASE_SECONDS: z.coerce.number().min(1).max(86_400).default(900),
  /** How often the embedded scheduler looks for due accounts (one indexed query). */
  SCHEDULER_TICK_SECONDS: z.coerce.number().min(0.2).max(3600).default(5),
  /** "off": this process runs no background syncs (Sync now still works); ignored when Inngest runs them. */
  SYNC_SCHEDULER: z.enum(["embedded", "off"]).default("embedded"),
  /** With either set, syncs run as Inngest functions (served at /api/inngest) instead of in-process. */
  INNGEST_EVENT_KEY: optional,
  INNGEST_DEV: optional,
  /** Set by `npm run demo`: the UI says that Google is simulated. */
  GOOGLE_DEMO: z.enum(["0", "1"]).default("0"),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

/** Parsed on every call so tests (and scripts) can set variables before first use. */
export function serverEnv(): ServerEnv {
  const parsed = serverEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

export function appUrl(): string {
  const env = serverEnv();
  return env.APP_URL ?? `http://localhost:${env.PORT}`;
}
