import { decryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import {
  GoogleOAuthError,
  authorizationUrl,
  exchangeCode,
  googleConfig,
  refreshAccessToken,
  revokeToken,
  type GoogleConfig,
} from "@/lib/providers/google/oauth";
import { listWritableGoogleCalendars } from "@/lib/providers/google/calendars";
import type { WritableCalendar } from "@/lib/sync/provider";
import { calendarFields, pickCalendar } from "@/lib/sync-accounts/calendar-choice";
import { cacheAccessToken, cachedAccessToken, forgetAccessToken } from "@/lib/sync-accounts/access-tokens";
import { ensureWatchChannel } from "@/lib/sync-accounts/google-push";
import { rightAway, type Later } from "@/lib/sync-accounts/later";
import { accountFromFlow, consumeFlow, flowView, openFlow, recordFailure, recordReceived, reauthorizeAccount, type FlowView } from "@/lib/sync-accounts/oauth-flows";

export type FlowFailure = "denied" | "state" | "expired" | "mismatch" | "scope" | "exchange" | "no-refresh-token" | "unreachable";

function requireConfig(): GoogleConfig {
  const config = googleConfig();
  if (!config) throw new AppError("invalid_input", "This server has not been configured for Google: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.");
  return config;
}

/** Starts "Receive Google token": records a single-use state and PKCE verifier; returns where to send the browser. */
export async function startGoogleAuthorization(ownerId: string, login: string, accountId: string | null = null): Promise<string> {
  const config = requireConfig();
  const db = await getDb();
  if (accountId) {
    const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: "GOOGLE" } });
    if (!account) throw new AppError("not_found", "This sync account no longer exists.");
    login = account.login;
  } else if (!(await db.syncAccount.findFirst({ where: { ownerId, provider: "ATOLLON" } }))) {
    throw new AppError("invalid_input", "Create the Atollon account first (step 1).");
  }
  const { state, challenge } = await openFlow(ownerId, "GOOGLE", login, accountId);
  return authorizationUrl(config, { state, challenge, loginHint: login });
}

export interface CallbackOutcome {
  /** The flow the form shows the result of (null: no flow of this user matched). */
  flowId: string | null;
  failure: FlowFailure | null;
  /** A re-authorization finished: this account is usable again. */
  reauthorizedAccountId: string | null;
  /** The account a failed re-authorization was for. */
  accountId?: string | null;
}

/**
 * The redirect back from Google. The state must be this user's, unused and fresh; the code is
 * exchanged with the PKCE verifier; the consenting Google account must be the one typed in.
 */
export async function completeGoogleAuthorization(ownerId: string, params: { state: string | null; code: string | null; error: string | null }, later: Later = rightAway): Promise<CallbackOutcome> {
  const config = requireConfig();
  const consumed = await consumeFlow(ownerId, "GOOGLE", params.state);
  if (consumed.outcome === "unknown") return { flowId: null, failure: "state", reauthorizedAccountId: null };
  const { flow } = consumed;
  const fail = async (failure: FlowFailure, receivedLogin: string | null = null): Promise<CallbackOutcome> => {
    if (failure !== consumed.outcome) await recordFailure(flow.id, failure, receivedLogin);
    return { flowId: flow.id, failure, reauthorizedAccountId: null, accountId: flow.accountId };
  };
  if (consumed.outcome !== "open") return fail(consumed.outcome);
  if (params.error || !params.code) return fail("denied");

  let tokens;
  try {
    tokens = await exchangeCode(config, params.code, flow.verifier);
  } catch (error) {
    if (!(error instanceof GoogleOAuthError)) throw error;
    console.warn(`[google-oauth] code exchange failed for user ${ownerId}: ${error.kind} (status ${error.status ?? "none"})`);
    return fail(error.kind === "unreachable" ? "unreachable" : "exchange");
  }
  if (tokens.email !== flow.login.toLowerCase()) {
    // A token for an account the user did not mean to connect is not kept anywhere.
    if (tokens.refreshToken) await revokeToken(config, tokens.refreshToken);
    return fail("mismatch", tokens.email);
  }
  if (!tokens.calendarGranted) {
    // Useless for syncing, and the person chose not to give it: handed back rather than kept.
    await revokeToken(config, tokens.refreshToken ?? tokens.accessToken);
    return fail("scope", tokens.email);
  }
  if (!tokens.refreshToken) return fail("no-refresh-token");

  if (flow.accountId) {
    if (!(await reauthorizeAccount(ownerId, "GOOGLE", { id: flow.id, accountId: flow.accountId }, tokens.refreshToken))) return { flowId: null, failure: "state", reauthorizedAccountId: null };
    const accountId = flow.accountId;
    await later(() => ensureWatchChannel(accountId, { replace: true }));
    return { flowId: null, failure: null, reauthorizedAccountId: flow.accountId };
  }
  await recordReceived(flow.id, tokens.refreshToken, tokens.email);
  return { flowId: flow.id, failure: null, reauthorizedAccountId: null };
}

export interface GoogleFlowView extends FlowView {
  failure: FlowFailure | null;
}

export async function getFlow(ownerId: string, flowId: string): Promise<GoogleFlowView | null> {
  const view = await flowView(ownerId, "GOOGLE", flowId);
  return view && { ...view, failure: view.failure as FlowFailure | null };
}

/** The calendars the Google account of a received token may write to, for choosing one before Create; null before a token is received. */
export async function flowCalendars(ownerId: string, flowId: string): Promise<WritableCalendar[] | null> {
  const config = requireConfig();
  const db = await getDb();
  const flow = await db.oAuthFlow.findFirst({ where: { id: flowId, ownerId, provider: "GOOGLE", accountId: null } });
  if (!flow?.receivedSecret) return null;
  const { accessToken } = await refreshAccessToken(config, decryptSecret(flow.receivedSecret));
  return listWritableGoogleCalendars(config.apiUrl, accessToken);
}

/** "Create": the received token becomes a Google sync account, syncing the chosen calendar (the default one when none is chosen). */
export async function createGoogleAccount(ownerId: string, flowId: string, later: Later = rightAway, calendarId?: string): Promise<string> {
  const db = await getDb();
  const chosen = pickCalendar(calendarId ? await flowCalendars(ownerId, flowId) : null, calendarId, "Google");
  const accountId = await accountFromFlow(ownerId, "GOOGLE", flowId, async (login) => {
    if (await db.syncAccount.findFirst({ where: { ownerId, provider: "GOOGLE", login } })) throw new AppError("conflict", `${login} is already connected.`);
  });
  if (!accountId) throw new AppError("invalid_input", "Receive a Google token first.");
  if (chosen) await db.syncAccount.update({ where: { id: accountId }, data: calendarFields(chosen) });
  await later(() => ensureWatchChannel(accountId));
  return accountId;
}

export const AUTHORIZATION_NEEDED_MESSAGE = "Authorization needed — Google no longer accepts this app's access. Receive a new Google token.";

/**
 * A fresh access token for a Google account (what the sync calls before talking to Google). When
 * Google answers `invalid_grant`, the account moves to "Authorization needed" and its syncs stop.
 */
export async function getGoogleAccessToken(ownerId: string, accountId: string, options: { fresh?: boolean } = {}): Promise<string> {
  const config = requireConfig();
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: "GOOGLE" } });
  if (!account?.secret) throw new AppError("not_found", "This sync account no longer exists.");
  if (account.state === "AUTHORIZATION_NEEDED") throw new AppError("invalid_input", AUTHORIZATION_NEEDED_MESSAGE);
  const cached = options.fresh ? null : cachedAccessToken(account.id, account.secret);
  if (cached) return cached;
  try {
    const { accessToken, expiresIn } = await refreshAccessToken(config, decryptSecret(account.secret));
    cacheAccessToken(account.id, account.secret, accessToken, expiresIn);
    return accessToken;
  } catch (error) {
    forgetAccessToken(account.id);
    if (error instanceof GoogleOAuthError && error.kind === "invalid-grant") {
      await db.syncAccount.update({ where: { id: account.id }, data: { state: "AUTHORIZATION_NEEDED", stateMessage: AUTHORIZATION_NEEDED_MESSAGE } });
      console.warn(`[google-oauth] account ${account.id}: refresh refused (invalid_grant); authorization needed`);
      throw new AppError("invalid_input", AUTHORIZATION_NEEDED_MESSAGE);
    }
    throw error;
  }
}

/** "Check connection": proves the stored authorization still works, and says so. */
export async function checkGoogleConnection(ownerId: string, accountId: string): Promise<void> {
  try {
    // Not a cached token: the check proves that Google still accepts the stored authorization.
    await getGoogleAccessToken(ownerId, accountId, { fresh: true });
  } catch (error) {
    if (error instanceof GoogleOAuthError) throw new AppError("invalid_input", error.message);
    throw error;
  }
  const db = await getDb();
  await db.syncAccount.updateMany({ where: { id: accountId, ownerId, state: "ERROR" }, data: { state: "ACTIVE", stateMessage: null } });
}
