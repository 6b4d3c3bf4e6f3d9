import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { MicrosoftOAuthError, authorizationUrl, exchangeCode, refreshAccessToken } from "@/lib/providers/graph/oauth";
import { microsoftOAuthConfig, type MicrosoftOAuthConfig } from "@/lib/providers/graph/oauth-config";
import { GraphCalendar } from "@/lib/providers/graph/calendar";
import { graphConfig } from "@/lib/providers/graph/config";
import { calendarFields, listWritable, pickCalendar } from "@/lib/sync-accounts/calendar-choice";
import { cacheAccessToken, cachedAccessToken, forgetAccessToken } from "@/lib/sync-accounts/access-tokens";
import { ensureSubscription } from "@/lib/sync-accounts/graph-push";
import { rightAway, type Later } from "@/lib/sync-accounts/later";
import { accountFromFlow, consumeFlow, flowView, openFlow, recordFailure, recordReceived, reauthorizeAccount, type FlowView } from "@/lib/sync-accounts/oauth-flows";
import { AuthorizationError, RemoteUnavailableError, type WritableCalendar } from "@/lib/sync/provider";

export type MicrosoftFlowFailure = "denied" | "admin-consent" | "refused" | "state" | "expired" | "mismatch" | "scope" | "exchange" | "no-refresh-token" | "unreachable";

export const MICROSOFT_FLOW_FAILURES: MicrosoftFlowFailure[] = ["denied", "admin-consent", "refused", "state", "expired", "mismatch", "scope", "exchange", "no-refresh-token", "unreachable"];

export const MICROSOFT_AUTHORIZATION_NEEDED_MESSAGE =
  "Authorization needed — Microsoft no longer accepts this app's access (it was revoked, your password changed, or it went unused too long). Sign in with Microsoft again.";

function requireConfig(): MicrosoftOAuthConfig {
  const config = microsoftOAuthConfig();
  if (!config) throw new AppError("invalid_input", "This server has not been configured for Microsoft: set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET.");
  return config;
}

/**
 * One mailbox is connected once: as Office.com over Graph or as Office.com with a password (EWS),
 * never both — the two accounts would each import every event, so the calendar would hold it twice.
 */
async function assertLoginFree(ownerId: string, login: string): Promise<void> {
  const db = await getDb();
  const existing = await db.syncAccount.findFirst({
    where: { ownerId, provider: { in: ["OFFICE365_GRAPH", "OFFICE365"] }, login: { equals: login, mode: "insensitive" } },
    select: { provider: true },
  });
  if (existing?.provider === "OFFICE365_GRAPH") throw new AppError("conflict", `${login} is already connected with Sign in with Microsoft.`, { login: `${login} is already connected.` });
  if (existing) {
    throw new AppError(
      "conflict",
      `${login} is already connected as an Office.com account with a password. Two connections to one mailbox would import every event twice: remove that account under Synchronization first, then sign in with Microsoft.`,
      { login: `${login} is already connected with a password.` },
    );
  }
}

/**
 * Starts "Sign in with Microsoft": records a single-use state (hashed) and the PKCE verifier
 * (encrypted), bound to this user; returns where to send the browser. With `accountId`, re-authorizes
 * that account, whose login the consenting account must then be.
 */
export async function startMicrosoftAuthorization(ownerId: string, login: string, accountId: string | null = null): Promise<string> {
  const config = requireConfig();
  const db = await getDb();
  if (accountId) {
    const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: "OFFICE365_GRAPH" } });
    if (!account) throw new AppError("not_found", "This sync account no longer exists.");
    login = account.login;
  } else {
    if (!(await db.syncAccount.findFirst({ where: { ownerId, provider: "ATOLLON" }, select: { id: true } }))) {
      throw new AppError("invalid_input", "Create the Atollon account first (Settings → Synchronization, step 1).");
    }
    await assertLoginFree(ownerId, login);
  }
  const { state, challenge } = await openFlow(ownerId, "OFFICE365_GRAPH", login, accountId);
  return authorizationUrl(config, { state, challenge, loginHint: login });
}

export interface MicrosoftCallbackOutcome {
  /** The flow the form shows the result of (null: no flow of this user matched, or a re-authorization). */
  flowId: string | null;
  failure: MicrosoftFlowFailure | null;
  /** A re-authorization finished: this account is usable again. */
  reauthorizedAccountId: string | null;
  /** The account a failed re-authorization was for. */
  accountId: string | null;
}

/**
 * What the redirect's `error` means: the tenant lets only an administrator consent (AADSTS65001,
 * 90093, 90094), the user pressed Cancel (access_denied, AADSTS65004), or anything else.
 */
function redirectFailure(error: string, description: string): MicrosoftFlowFailure {
  if (error === "consent_required" || /AADSTS(65001|90093|90094)\b/.test(description)) return "admin-consent";
  if (error === "access_denied") return "denied";
  return "refused";
}

/**
 * The redirect back from Microsoft. The state must be this user's, unused and fresh; the code is
 * exchanged with the PKCE verifier; the consenting account must be the one typed in.
 */
export async function completeMicrosoftAuthorization(
  ownerId: string,
  params: { state: string | null; code: string | null; error: string | null; errorDescription?: string | null },
  later: Later = rightAway,
): Promise<MicrosoftCallbackOutcome> {
  const config = requireConfig();
  const consumed = await consumeFlow(ownerId, "OFFICE365_GRAPH", params.state);
  if (consumed.outcome === "unknown") return { flowId: null, failure: "state", reauthorizedAccountId: null, accountId: null };
  const { flow } = consumed;
  const fail = async (failure: MicrosoftFlowFailure, receivedLogin: string | null = null): Promise<MicrosoftCallbackOutcome> => {
    if (failure !== consumed.outcome) await recordFailure(flow.id, failure, receivedLogin);
    return { flowId: flow.id, failure, reauthorizedAccountId: null, accountId: flow.accountId };
  };
  if (consumed.outcome !== "open") return fail(consumed.outcome);
  if (params.error) {
    const failure = redirectFailure(params.error, params.errorDescription ?? "");
    if (failure !== "denied") console.warn(`[microsoft-oauth] sign-in of user ${ownerId} refused by Microsoft: ${params.error} (${/AADSTS\d+/.exec(params.errorDescription ?? "")?.[0] ?? "no code"})`);
    return fail(failure);
  }
  if (!params.code) return fail("refused");

  let tokens;
  try {
    tokens = await exchangeCode(config, params.code, flow.verifier);
  } catch (error) {
    if (!(error instanceof MicrosoftOAuthError)) throw error;
    console.warn(`[microsoft-oauth] code exchange failed for user ${ownerId}: ${error.kind} (status ${error.status ?? "none"}, ${error.code ?? "no code"})`);
    return fail(error.kind === "unreachable" ? "unreachable" : "exchange");
  }
  // Microsoft has no endpoint that revokes one refresh token, so a token of an account the user did
  // not mean to connect, or one without calendar access, is simply not kept anywhere.
  if (!tokens.usernames.includes(flow.login.toLowerCase())) return fail("mismatch", tokens.usernames[0] ?? null);
  if (!tokens.calendarGranted) return fail("scope", flow.login.toLowerCase());
  if (!tokens.refreshToken) return fail("no-refresh-token");

  if (flow.accountId) {
    const reauthorized = await reauthorizeAccount(ownerId, "OFFICE365_GRAPH", { id: flow.id, accountId: flow.accountId }, tokens.refreshToken);
    forgetAccessToken(flow.accountId);
    if (!reauthorized) return { flowId: null, failure: "state", reauthorizedAccountId: null, accountId: null };
    const accountId = flow.accountId;
    await later(() => ensureSubscription(accountId, { replace: true }));
    return { flowId: null, failure: null, reauthorizedAccountId: flow.accountId, accountId: flow.accountId };
  }
  await recordReceived(flow.id, tokens.refreshToken, flow.login.toLowerCase());
  return { flowId: flow.id, failure: null, reauthorizedAccountId: null, accountId: null };
}

export interface MicrosoftFlowView extends FlowView {
  failure: MicrosoftFlowFailure | null;
}

export async function getMicrosoftFlow(ownerId: string, flowId: string): Promise<MicrosoftFlowView | null> {
  const view = await flowView(ownerId, "OFFICE365_GRAPH", flowId);
  return view && { ...view, failure: MICROSOFT_FLOW_FAILURES.find((value) => value === view.failure) ?? null };
}

/**
 * The calendars of the mailbox a received token may write to, for choosing one before Create; null
 * before a token is received. The token Microsoft rotates on the way is kept on the flow.
 */
export async function microsoftFlowCalendars(ownerId: string, flowId: string): Promise<WritableCalendar[] | null> {
  const config = requireConfig();
  const db = await getDb();
  const flow = await db.oAuthFlow.findFirst({ where: { id: flowId, ownerId, provider: "OFFICE365_GRAPH", accountId: null } });
  if (!flow?.receivedSecret) return null;
  let tokens;
  try {
    tokens = await refreshAccessToken(config, decryptSecret(flow.receivedSecret));
  } catch (error) {
    if (error instanceof MicrosoftOAuthError) throw new AppError("invalid_input", `${error.message} Sign in with Microsoft again.`);
    throw error;
  }
  if (tokens.refreshToken) await db.oAuthFlow.updateMany({ where: { id: flow.id, receivedSecret: flow.receivedSecret }, data: { receivedSecret: encryptSecret(tokens.refreshToken) } });
  const { accessToken } = tokens;
  return listWritable(new GraphCalendar({ graphUrl: graphConfig().graphUrl, accessToken: async () => accessToken }), "Office.com");
}

/** "Create": the received refresh token becomes an Office.com (Graph) sync account, syncing the chosen calendar (the default one when none is chosen). */
export async function createMicrosoftAccount(ownerId: string, flowId: string, later: Later = rightAway, calendarId?: string): Promise<string> {
  const chosen = pickCalendar(calendarId ? await microsoftFlowCalendars(ownerId, flowId) : null, calendarId, "Office.com");
  const accountId = await accountFromFlow(ownerId, "OFFICE365_GRAPH", flowId, (login) => assertLoginFree(ownerId, login));
  if (!accountId) throw new AppError("invalid_input", "Sign in with Microsoft first.");
  if (chosen) {
    const db = await getDb();
    await db.syncAccount.update({ where: { id: accountId }, data: calendarFields(chosen) });
  }
  await later(() => ensureSubscription(accountId));
  return accountId;
}

/**
 * An access token for Microsoft Graph, for the sync. Refreshing stores the rotated refresh token
 * Microsoft sends back. On invalid_grant the account moves to "Authorization needed" and its syncs
 * stop (AuthorizationError); Microsoft unreachable is RemoteUnavailableError (try again later).
 * `fresh` skips the cache: "Check connection" proves the stored authorization itself.
 */
export async function getMicrosoftAccessToken(ownerId: string, accountId: string, options: { fresh?: boolean } = {}): Promise<string> {
  const config = requireConfig();
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId, provider: "OFFICE365_GRAPH" } });
  if (!account?.secret) throw new AppError("not_found", "This sync account no longer exists.");
  if (account.state === "AUTHORIZATION_NEEDED") throw new AuthorizationError(account.stateMessage ?? MICROSOFT_AUTHORIZATION_NEEDED_MESSAGE, "authorization-needed");
  const cached = options.fresh ? null : cachedAccessToken(account.id, account.secret);
  if (cached) return cached;

  let tokens;
  try {
    tokens = await refreshAccessToken(config, decryptSecret(account.secret));
  } catch (error) {
    if (!(error instanceof MicrosoftOAuthError)) throw error;
    forgetAccessToken(account.id);
    console.warn(`[microsoft-oauth] account ${account.id}: token refresh failed: ${error.kind} (status ${error.status ?? "none"}, ${error.code ?? "no code"})`);
    if (error.kind === "invalid-grant") {
      await db.syncAccount.updateMany({ where: { id: account.id, ownerId, secret: account.secret }, data: { state: "AUTHORIZATION_NEEDED", stateMessage: MICROSOFT_AUTHORIZATION_NEEDED_MESSAGE } });
      throw new AuthorizationError(MICROSOFT_AUTHORIZATION_NEEDED_MESSAGE, "authorization-needed");
    }
    if (error.kind === "unreachable") throw new RemoteUnavailableError(error.message, error.status);
    throw new AppError("invalid_input", `${error.message} Ask the administrator to check the app registration (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET).`);
  }
  let secret = account.secret;
  if (tokens.refreshToken) {
    // Only over the token this refresh used: a re-authorization that landed meanwhile wins.
    const rotated = encryptSecret(tokens.refreshToken);
    const stored = await db.syncAccount.updateMany({ where: { id: account.id, ownerId, secret: account.secret }, data: { secret: rotated } });
    if (stored.count === 1) secret = rotated;
  }
  cacheAccessToken(account.id, secret, tokens.accessToken, tokens.expiresIn);
  return tokens.accessToken;
}

/** "Check connection": refreshes the token, which proves Microsoft still accepts the authorization. */
export async function checkMicrosoftConnection(ownerId: string, accountId: string): Promise<void> {
  try {
    await getMicrosoftAccessToken(ownerId, accountId, { fresh: true });
  } catch (error) {
    if (error instanceof AuthorizationError || error instanceof RemoteUnavailableError) throw new AppError("invalid_input", error.message);
    throw error;
  }
  const db = await getDb();
  await db.syncAccount.updateMany({ where: { id: accountId, ownerId, state: "ERROR" }, data: { state: "ACTIVE", stateMessage: null } });
}
