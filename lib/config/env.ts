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
