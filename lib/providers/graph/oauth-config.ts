import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** "Sign in with Microsoft": the app registration in Microsoft Entra ID and where the identity platform is. */
const microsoftEnvSchema = z.object({
  MICROSOFT_CLIENT_ID: optional,
  MICROSOFT_CLIENT_SECRET: optional,
  /** `common` (work or school accounts of any organisation), `organizations`, or one tenant's id or domain. */
  MICROSOFT_TENANT: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]+$/, "a tenant id, a domain, `common` or `organizations`")
    .default("common"),
  /** The identity platform's host; another national cloud, or the fake in tests. */
  MICROSOFT_AUTHORITY_URL: z.url({ protocol: /^https?$/ }).default("https://login.microsoftonline.com"),
});

export interface MicrosoftOAuthConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
}

/** null when the server has not been configured for Microsoft (the Office.com page then says what to set). */
export function microsoftOAuthConfig(): MicrosoftOAuthConfig | null {
  const parsed = microsoftEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n  ${problems.join("\n  ")}`);
  }
  const env = parsed.data;
  if (!env.MICROSOFT_CLIENT_ID || !env.MICROSOFT_CLIENT_SECRET) return null;
  const base = `${env.MICROSOFT_AUTHORITY_URL.replace(/\/+$/, "")}/${encodeURIComponent(env.MICROSOFT_TENANT)}/oauth2/v2.0`;
  return { clientId: env.MICROSOFT_CLIENT_ID, clientSecret: env.MICROSOFT_CLIENT_SECRET, authorizeUrl: `${base}/authorize`, tokenUrl: `${base}/token` };
}
