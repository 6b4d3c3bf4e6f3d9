import { z } from "zod";

export const atollonGrantSchema = z.object({ password: z.string().min(1, "Enter your login password.").max(200, "That password is too long.") });

export const googleLoginSchema = z.object({
  login: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter your Google address.")
    .max(254, "That address is too long.")
    .pipe(z.email("Enter a Google address such as name@gmail.com.")),
});

export const accountIdSchema = z.object({ accountId: z.uuid() });
export const flowIdSchema = z.object({ flowId: z.uuid() });

export const syncNowSchema = z.object({ accountId: z.uuid(), deletions: z.enum(["ask", "apply", "restore"]).default("ask") });

export const CONFLICT_POLICIES = ["LATEST", "LOCAL", "REMOTE"] as const;
export const conflictPolicySchema = z.object({ accountId: z.uuid(), policy: z.enum(CONFLICT_POLICIES, "Choose who wins a conflict.") });
