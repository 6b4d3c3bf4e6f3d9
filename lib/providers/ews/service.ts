import { AppointmentOccurrenceId, ExchangeService, ExchangeVersion, FolderId, ItemId, ServiceError, ServiceResponseException, SoapFaultDetails, Uri, WebCredentials, WellKnownFolderName, type ServiceResponse } from "ews-javascript-api";
import { CursorExpiredError, RemoteUnavailableError, type WriteResult } from "@/lib/sync/provider";
import { GuardedXhr, type GuardedXhrOptions } from "@/lib/providers/ews/xhr-adapter";
import { escapeXml } from "@/lib/providers/ews/xml";

/** One ExchangeService talking through the guarded HTTP layer, and the translation of its errors. */

export interface EwsConnectionOptions extends GuardedXhrOptions {
  /** The version the connection test read from the server (ServerVersionInfo Version). */
  version?: string | null;
  /** The calendar folder synced (its FolderId); absent: the mailbox's distinguished calendar folder. */
  calendarFolderId?: string | null;
}

export interface EwsConnection {
  service: ExchangeService;
  xhr: GuardedXhr;
  /** The synced folder, new for each request (the library writes into the ids it is given). */
  folder: () => FolderId;
}

/**
 * The version to ask for: the server's own when it is older than Exchange2013_SP1, else
 * Exchange2013_SP1 — the lowest version that has everything this provider uses.
 */
export function requestedVersion(serverVersion: string | null | undefined): ExchangeVersion {
  const known = serverVersion ? (ExchangeVersion as unknown as Record<string, number | undefined>)[serverVersion] : undefined;
  return known !== undefined && known < ExchangeVersion.Exchange2013_SP1 ? known : ExchangeVersion.Exchange2013_SP1;
}

export function connect({ version, calendarFolderId, ...options }: EwsConnectionOptions): EwsConnection {
  const service = new ExchangeService(requestedVersion(version));
  service.Url = new Uri(options.url.toString());
  // The library refuses to send without credentials; the guarded layer signs every request itself.
  service.Credentials = new WebCredentials(options.login, options.password);
  const xhr = new GuardedXhr(options);
  service.XHRApi = xhr;
  const folder = () => (calendarFolderId ? new FolderId(escapeXml(calendarFolderId)) : new FolderId(WellKnownFolderName.Calendar));
  return { service, xhr, folder };
}

const CONFLICT = new Set<ServiceError>([ServiceError.ErrorIrresolvableConflict, ServiceError.ErrorStaleObject, ServiceError.ErrorChangeKeyRequired, ServiceError.ErrorChangeKeyRequiredForWriteOperations, ServiceError.ErrorInvalidChangeKey]);
const NOT_FOUND = new Set<ServiceError>([ServiceError.ErrorItemNotFound, ServiceError.ErrorCalendarOccurrenceIsDeletedFromRecurrence]);
const TRANSIENT = new Set<ServiceError>([ServiceError.ErrorServerBusy, ServiceError.ErrorInternalServerTransientError, ServiceError.ErrorTimeoutExpired, ServiceError.ErrorMailboxStoreUnavailable, ServiceError.ErrorInternalServerError]);

export const codeName = (code: ServiceError) => ServiceError[code] ?? String(code);

/** One item's failed answer as the engine's WriteResult. */
export function failureOf(response: Pick<ServiceResponse, "ErrorCode" | "ErrorMessage">): WriteResult & { ok: false } {
  const code = response.ErrorCode;
  const kind = CONFLICT.has(code) ? "conflict" : NOT_FOUND.has(code) ? "not-found" : TRANSIENT.has(code) ? "unavailable" : "rejected";
  return { ok: false, kind, message: `${codeName(code)}: ${response.ErrorMessage ?? ""}`.trim() };
}

export const isTransient = (code: ServiceError) => TRANSIENT.has(code);

/**
 * Runs one library call and turns what it throws into the engine's errors: the guarded layer's own
 * reason first (a refused password, an exhausted retry budget), then an invalid sync state as an
 * expired cursor, then any other refusal as unavailable.
 */
export async function call<T>(connection: EwsConnection, what: string, run: () => Promise<T>): Promise<T> {
  connection.xhr.failure = null;
  try {
    return await run();
  } catch (error) {
    const failure = connection.xhr.failure;
    if (failure) throw failure;
    const code = error instanceof ServiceResponseException ? error.ErrorCode : error instanceof SoapFaultDetails ? error.ResponseCode : null;
    if (code === ServiceError.ErrorInvalidSyncStateData || code === ServiceError.ErrorSyncFolderNotFound) throw new CursorExpiredError();
    const detail = code !== null ? codeName(code) : error instanceof Error ? error.message : String(error);
    throw new RemoteUnavailableError(`Exchange refused ${what}: ${detail}`, error instanceof SoapFaultDetails ? (error.HttpStatusCode ?? null) : null);
  }
}

/** Ids go into attributes as they are, like every string the library writes: escaped like the rest. */
export const itemId = (id: string) => new ItemId(escapeXml(id));
export const occurrenceItemId = (masterId: string, index: number) => new AppointmentOccurrenceId(escapeXml(masterId), index);
