"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { userAction } from "@/lib/actions/safe-action";
import { grantAtollonAccount, removeAccount, setConflictPolicy } from "@/lib/sync-accounts/accounts";
import { checkAccountConnection } from "@/lib/sync-accounts/check-connection";
import { createEwsAccount, updateEwsPassword } from "@/lib/sync-accounts/ews";
import { createGoogleAccount, startGoogleAuthorization } from "@/lib/sync-accounts/google";
import { createMicrosoftAccount, startMicrosoftAuthorization } from "@/lib/sync-accounts/microsoft";
import { chooseRemoteCalendar, writableCalendars } from "@/lib/sync-accounts/remote-calendars";
import { saveRulesSchema, saveSyncRules } from "@/lib/sync-accounts/rules";
import { syncAccount } from "@/lib/sync/run-account";
import {
  accountIdSchema,
  chooseCalendarSchema,
  createGoogleSchema,
  atollonGrantSchema,
  conflictPolicySchema,
  ewsPasswordSchema,
  exchangeAccountSchema,
  createMicrosoftSchema,
  googleLoginSchema,
  microsoftLoginSchema,
  officeAccountSchema,
  syncNowSchema,
} from "@/lib/validations/sync-accounts";

export const grantAtollonAction = userAction("grant-atollon", atollonGrantSchema, async ({ password }, { user }) => {
  await grantAtollonAccount(user.id, password);
  revalidatePath("/settings/sync");
  return null;
});

export const receiveGoogleTokenAction = userAction("receive-google-token", googleLoginSchema, async ({ login }, { user }) => {
  return { url: await startGoogleAuthorization(user.id, login) };
});

export const reauthorizeGoogleAction = userAction("reauthorize-google", accountIdSchema, async ({ accountId }, { user }) => {
  return { url: await startGoogleAuthorization(user.id, "", accountId) };
});

export const createGoogleAccountAction = userAction("create-google-account", createGoogleSchema, async ({ flowId, calendarId }, { user }) => {
  await createGoogleAccount(user.id, flowId, after, calendarId);
  revalidatePath("/settings/sync");
  return null;
});

export const signInWithMicrosoftAction = userAction("sign-in-with-microsoft", microsoftLoginSchema, async ({ login }, { user }) => {
  return { url: await startMicrosoftAuthorization(user.id, login) };
});

export const reauthorizeMicrosoftAction = userAction("reauthorize-microsoft", accountIdSchema, async ({ accountId }, { user }) => {
  return { url: await startMicrosoftAuthorization(user.id, "", accountId) };
});

export const createMicrosoftAccountAction = userAction("create-microsoft-account", createMicrosoftSchema, async ({ flowId, calendarId }, { user }) => {
  await createMicrosoftAccount(user.id, flowId, after, calendarId);
  revalidatePath("/settings/sync");
  return null;
});

export const checkConnectionAction = userAction("check-connection", accountIdSchema, async ({ accountId }, { user }) => {
  try {
    await checkAccountConnection(user.id, accountId);
  } finally {
    revalidatePath("/settings/sync");
  }
  return null;
});

export const removeAccountAction = userAction("remove-account", accountIdSchema, async ({ accountId }, { user }) => {
  const result = await removeAccount(user.id, accountId);
  revalidatePath("/settings/sync");
  return result;
});

export const syncNowAction = userAction("sync-now", syncNowSchema, async ({ accountId, deletions }, { user }) => {
  try {
    return await syncAccount(user.id, accountId, { trigger: "manual", deletions });
  } finally {
    revalidatePath("/settings/sync");
    revalidatePath("/calendar");
  }
});

export const setConflictPolicyAction = userAction("set-conflict-policy", conflictPolicySchema, async ({ accountId, policy }, { user }) => {
  await setConflictPolicy(user.id, accountId, policy);
  revalidatePath("/settings/sync");
  return null;
});

export const createOfficeAccountAction = userAction("create-office-account", officeAccountSchema, async (input, { user }) => {
  const outcome = await createEwsAccount(user.id, "OFFICE365", input);
  revalidatePath("/settings/sync");
  return outcome;
});

export const createExchangeAccountAction = userAction("create-exchange-account", exchangeAccountSchema, async (input, { user }) => {
  const outcome = await createEwsAccount(user.id, "EXCHANGE", input);
  revalidatePath("/settings/sync");
  return outcome;
});

export const updateEwsPasswordAction = userAction("update-ews-password", ewsPasswordSchema, async ({ accountId, password }, { user }) => {
  await updateEwsPassword(user.id, accountId, password);
  revalidatePath("/settings/sync");
  return null;
});

export const saveRulesAction = userAction("save-sync-rules", saveRulesSchema, async ({ accountId, rules, confirmRemovals }, { user }) => {
  const outcome = await saveSyncRules(user.id, accountId, rules, confirmRemovals);
  if (outcome.saved) revalidatePath("/settings/sync");
  return outcome;
});

export const listCalendarsAction = userAction("list-remote-calendars", accountIdSchema, async ({ accountId }, { user }) => writableCalendars(user.id, accountId));

export const chooseCalendarAction = userAction("choose-remote-calendar", chooseCalendarSchema, async ({ accountId, calendarId, oldCopies }, { user }) => {
  const chosen = await chooseRemoteCalendar(user.id, accountId, calendarId, oldCopies);
  revalidatePath("/settings/sync");
  return chosen;
});
