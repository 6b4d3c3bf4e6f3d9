import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { hashState, newPkce, newState } from "@/lib/providers/oauth-client";

/**
 * The bookkeeping of an OAuth authorization between the redirect to the provider's consent page and
 * the account's creation (the OAuthFlow rows), the same for "Receive Google token" and "Sign in with
 * Microsoft": a single-use state bound to the user, kept only as its hash; the PKCE verifier,
 * encrypted; the refresh token received, encrypted, until Create.
 */

export type FlowProvider = "GOOGLE" | "OFFICE365_GRAPH";

/** A state is good for this long: the user is at the provider's sign-in and consent pages meanwhile. */
const FLOW_TTL_MS = 10 * 60_000;

/** Records a new flow (the user's abandoned ones of this provider go: only the newest may complete); returns its state and PKCE challenge. */
export async function openFlow(ownerId: string, provider: FlowProvider, login: string, accountId: string | null): Promise<{ state: string; challenge: string }> {
  const db = await getDb();
  const state = newState();
  const pkce = newPkce();
  await db.oAuthFlow.deleteMany({ where: { ownerId, provider } });
  await db.oAuthFlow.create({
    data: { ownerId, provider, stateHash: hashState(state), codeVerifier: encryptSecret(pkce.verifier), login, accountId, expiresAt: new Date(Date.now() + FLOW_TTL_MS) },
  });
  return { state, challenge: pkce.challenge };
}

export interface OpenedFlow {
  id: string;
  login: string;
  /** Set when re-authorizing an existing account. */
  accountId: string | null;
  /** The PKCE verifier, decrypted, for the code exchange. */
  verifier: string;
}

/**
 * The redirect back: the flow its state names, consumed (it is single-use). "unknown" for no flow of
 * this user and provider — another user's state is treated exactly like an unknown one; "state" for
 * a state used before and "expired" for a stale one (both recorded on the flow).
 */
export async function consumeFlow(
  ownerId: string,
  provider: FlowProvider,
  state: string | null,
): Promise<{ outcome: "unknown" } | { outcome: "state" | "expired"; flow: OpenedFlow } | { outcome: "open"; flow: OpenedFlow }> {
  const db = await getDb();
  const row = state ? await db.oAuthFlow.findUnique({ where: { stateHash: hashState(state) } }) : null;
  if (!row || row.ownerId !== ownerId || row.provider !== provider) return { outcome: "unknown" };
  const flow = { id: row.id, login: row.login, accountId: row.accountId, verifier: decryptSecret(row.codeVerifier) };
  const consumed = await db.oAuthFlow.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (consumed.count === 0) {
    await recordFailure(row.id, "state");
    return { outcome: "state", flow };
  }
  if (row.expiresAt.getTime() < Date.now()) {
    await recordFailure(row.id, "expired");
    return { outcome: "expired", flow };
  }
  return { outcome: "open", flow };
}

/** Why the flow failed, for the form to explain; nothing received is kept. */
export async function recordFailure(flowId: string, failure: string, receivedLogin: string | null = null): Promise<void> {
  const db = await getDb();
  await db.oAuthFlow.update({ where: { id: flowId }, data: { failure, receivedSecret: null, receivedLogin } });
}

/** The refresh token received, kept encrypted on the flow until the user presses Create. */
export async function recordReceived(flowId: string, refreshToken: string, login: string): Promise<void> {
  const db = await getDb();
  await db.oAuthFlow.update({ where: { id: flowId }, data: { receivedSecret: encryptSecret(refreshToken), receivedLogin: login } });
}

/** A re-authorization: the account gets the new refresh token and is usable again; the flow is done. Returns false when the account is gone. */
export async function reauthorizeAccount(ownerId: string, provider: FlowProvider, flow: { id: string; accountId: string }, refreshToken: string): Promise<boolean> {
  const db = await getDb();
  const updated = await db.syncAccount.updateMany({
    where: { id: flow.accountId, ownerId, provider },
    data: { secret: encryptSecret(refreshToken), state: "ACTIVE", stateMessage: null },
  });
  await db.oAuthFlow.delete({ where: { id: flow.id } });
  return updated.count > 0;
}

export interface FlowView {
  id: string;
  login: string;
  /** The account that actually consented (shown when it is not the one typed in). */
  receivedLogin: string | null;
  tokenReceived: boolean;
  failure: string | null;
}

export async function flowView(ownerId: string, provider: FlowProvider, flowId: string): Promise<FlowView | null> {
  const db = await getDb();
  const flow = await db.oAuthFlow.findFirst({ where: { id: flowId, ownerId, provider } });
  if (!flow) return null;
  return { id: flow.id, login: flow.login, receivedLogin: flow.receivedLogin, tokenReceived: flow.receivedSecret !== null, failure: flow.failure };
}

/**
 * "Create": the received token becomes a sync account and the flow is done, together. Null when the
 * flow holds no received token; `check` may refuse the login (a duplicate) before anything is written.
 */
export async function accountFromFlow(ownerId: string, provider: FlowProvider, flowId: string, check: (login: string) => Promise<void>): Promise<string | null> {
  const db = await getDb();
  const flow = await db.oAuthFlow.findFirst({ where: { id: flowId, ownerId, provider, accountId: null } });
  if (!flow?.receivedSecret || !flow.receivedLogin) return null;
  await check(flow.receivedLogin);
  const [account] = await db.$transaction([
    db.syncAccount.create({ data: { ownerId, provider, login: flow.receivedLogin, secret: flow.receivedSecret } }),
    db.oAuthFlow.delete({ where: { id: flow.id } }),
  ]);
  return account.id;
}
