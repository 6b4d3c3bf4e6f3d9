import type { EventContent } from "@/lib/calendar/event-content";

/**
 * The contract between the sync engine and one remote calendar of one sync account. The engine
 * never knows which service it drives; each folder under `lib/providers/` implements this.
 */

/** One item as the remote calendar reports it. */
export interface RemoteItem {
  remoteId: string;
  /** Version token: Google's etag, Exchange's ChangeKey. */
  versionToken: string;
  /** The local event id from the item's private tag, when this app created it (or adopted it). */
  localTag: string | null;
  /** For an exception of a recurring series: the remote id of its series. */
  seriesRemoteId: string | null;
  /** null when the remote side reports the item as deleted. */
  content: EventContent | null;
  /** When the remote item last changed (ISO instant), for the "most recent change wins" policy. */
  updatedAt: string | null;
}

export interface ChangePage {
  items: RemoteItem[];
  /** Present on the last page only: where the next incremental listing starts. */
  nextCursor?: string;
  /**
   * Optional, on pages before the last: a cursor valid from here on — listing from it reports every
   * change this listing has not reported yet (what is left of it, and anything that changed since),
   * as an Exchange SyncState of a page does. The engine saves it when it can, so that a run that dies
   * later resumes the listing there instead of reading it all again. Never a mere page token.
   */
  pageCursor?: string;
  /**
   * Items the listing reported whose current version the engine already holds (see
   * ListingContext.known), handed over without being read: nothing to apply, yet reported. Where a
   * service keeps a series' exceptions inside it (Exchange), those of an unchanged series are in
   * this list as well.
   */
  unchanged?: string[];
  /**
   * Items the listing reported but could not read (one lacks a property the provider needs): each
   * is a failure of this run, the rest of the listing goes on, and the cursor stays where it was so
   * that the next run reads them again. Never taken for deleted — nor are a series' exceptions.
   */
  unreadable?: UnreadableItem[];
}

export interface UnreadableItem {
  remoteId: string;
  /** Why, for the run's history: the service's own words. */
  message: string;
}

/** What the engine holds of one remote item. */
export interface KnownItem {
  /** The version token last synced. */
  versionToken: string;
  /** For a series: the remote ids of its exceptions the engine holds. */
  exceptionIds: string[];
}

/** What the engine tells a listing about the calendar it already knows. */
export interface ListingContext {
  /** What the engine holds of each of these remote ids that it has synced. */
  known(remoteIds: string[]): Promise<Map<string, KnownItem>>;
}

/** The server no longer accepts the saved cursor (Google 410 Gone, EWS invalid sync state). */
export class CursorExpiredError extends Error {
  constructor(message = "The remote calendar no longer accepts the saved sync position.") {
    super(message);
    this.name = "CursorExpiredError";
  }
}

/** The account's credentials were refused for good (Google `invalid_grant`, EWS 401): a person must act. */
export class AuthorizationError extends Error {
  constructor(
    message: string,
    readonly reason: "authorization-needed" | "password-rejected",
  ) {
    super(message);
    this.name = "AuthorizationError";
  }
}

/** Retries ran out (rate limits, 5xx, network): the run ends and resumes from its cursor next time. */
export class RemoteUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** When the service said it takes calls again (its Retry-After, or a rate limit's window): the next run's time. */
    readonly retryAt: Date | null = null,
  ) {
    super(message);
    this.name = "RemoteUnavailableError";
  }
}

export interface CreateRequest {
  /** Written into the item's private tag so a crashed run can adopt the item instead of duplicating it. */
  localId: string;
  content: EventContent;
  /** For an exception: the remote id of its series (created before it). */
  seriesRemoteId: string | null;
}

export interface UpdateRequest {
  remoteId: string;
  /** The version token last seen; a mismatch must come back as `conflict`, never overwrite. */
  versionToken: string;
  localId: string;
  content: EventContent;
  /**
   * What the item holds now as far as the engine knows (read by this run, or last synced), or null
   * when it does not know. A provider writes only the fields that differ from it (changedFields), so
   * what the app does not model on the other fields (formatting, colours, attachments) survives.
   */
  previous: EventContent | null;
  seriesRemoteId: string | null;
}

export interface DeleteRequest {
  remoteId: string;
  versionToken: string;
}

export type WriteResult =
  | { ok: true; remoteId: string; versionToken: string }
  /**
   * conflict: the version token is stale; not-found: the item is gone; unavailable: this item's call
   * failed for now (retried by the next run); rejected: the server refuses this content for good.
   */
  | { ok: false; kind: "conflict" | "not-found" | "unavailable" | "rejected"; message: string };

/** One calendar of a sync account's service that the account may write to. */
export interface WritableCalendar {
  /** The service's id of it (Google calendar id, Graph calendar id, EWS FolderId). */
  id: string;
  name: string;
  /** The account's default calendar: the one synced when none is chosen. */
  primary: boolean;
}

export interface RemoteCalendar {
  /**
   * The calendars of the same account that it may write to, the default one first: where a person
   * chooses which one the account syncs. Absent where an account has one calendar only.
   */
  listCalendars?(): Promise<WritableCalendar[]>;
  /**
   * Pages of changes since `cursor`, or every item when `cursor` is null (a full listing: an item
   * absent from it no longer exists). Throws CursorExpiredError when the cursor is refused.
   */
  listChanges(cursor: string | null, context?: ListingContext): AsyncIterable<ChangePage>;
  /** Items carrying these local ids in their private tag (used before creating, after a crash). */
  findByLocalTag(localIds: string[]): Promise<RemoteItem[]>;
  /** Results come back in request order; a failed item never fails its neighbours. */
  create(requests: CreateRequest[]): Promise<WriteResult[]>;
  update(requests: UpdateRequest[]): Promise<WriteResult[]>;
  delete(requests: DeleteRequest[]): Promise<WriteResult[]>;
  /**
   * These items as they are now, in request order: `"absent"` when one no longer exists, null when
   * it could not be read now. With it, a write refused as a conflict (someone changed the item after
   * the listing) is settled by the conflict policy within the run; without it, by the next run.
   */
  read?(remoteIds: string[]): Promise<(RemoteItem | "absent" | null)[]>;
  /** HTTP requests made so far (a batch counts once): recorded in the run's history and the benchmark. */
  readonly requestCount: number;
  /**
   * Calls made so far, as the service's quota counts them: each call inside a batch is one. Absent
   * where every request is one call.
   */
  readonly callCount?: number;
  /**
   * Set when the service limited requests beyond the run's wait budget: when it takes calls again.
   * The writes left over came back `unavailable`; the account continues then.
   */
  readonly throttledUntil?: Date | null;
  /** How many writes one request carries at most; the engine hands over writes in groups this size. */
  readonly writeBatchSize?: number;
}
