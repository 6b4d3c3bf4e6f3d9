import { createEvent, deleteEvent, getEvents, listChangedSince, restoreEvent, toStoredEvent, touchExceptions, updateEvent, type DeletedBy, type StoredEvent } from "@/lib/calendar/events";
import type { EventContent } from "@/lib/calendar/event-content";
import { getDb } from "@/lib/db/client";
import type { Prisma, SyncPair } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { LocalConflictError, type AccountSyncState, type PullCreate, type SyncStore } from "@/lib/sync/store";
import type { ConflictPolicy, LocalEvent, Pair } from "@/lib/sync/types";

const POLICY: Record<string, ConflictPolicy> = { LATEST: "latest", LOCAL: "local", REMOTE: "remote" };

const toPair = (row: SyncPair): Pair => ({
  localId: row.eventId,
  remoteId: row.remoteId,
  localVersion: row.localVersion,
  localHash: row.localHash,
  remoteVersion: row.remoteVersion,
  remoteHash: row.remoteHash,
  sentHash: row.sentHash,
  listed: row.listed,
  base: row.base as unknown as EventContent | null,
  origin: row.origin === "local" || row.origin === "remote" ? row.origin : null,
});

const LISTED_PER_STATEMENT = 10_000;

const toLocal = (event: StoredEvent): LocalEvent => event;

function columns(pair: Pair) {
  return {
    remoteId: pair.remoteId,
    localVersion: pair.localVersion,
    localHash: pair.localHash,
    remoteVersion: pair.remoteVersion,
    remoteHash: pair.remoteHash,
    sentHash: pair.sentHash,
    listed: pair.listed,
    base: (pair.base ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
    origin: pair.origin ?? null,
  };
}

/** The Atollon side of one sync account, in the database: the owner's events plus the account's pairs and cursors. */
export class PrismaSyncStore implements SyncStore {
  constructor(
    private readonly ownerId: string,
    private readonly accountId: string,
    /** The run this store serves: the events it deletes are recorded as deleted by it (Recently deleted). */
    private readonly deletedBy?: DeletedBy,
  ) {}

  /**
   * Replaces the pairs of these events, and lets go of any other pair that held one of their remote
   * ids (a remote id belongs to one pair): two statements per batch, whatever its size.
   */
  private async upsertPairs(tx: Prisma.TransactionClient, pairs: Pair[]): Promise<void> {
    const latest = new Map<string, Pair>();
    const holder = new Map<string, string>();
    for (const pair of pairs) {
      const previous = pair.remoteId === null ? undefined : holder.get(pair.remoteId);
      if (previous !== undefined && previous !== pair.localId) latest.delete(previous);
      if (pair.remoteId !== null) holder.set(pair.remoteId, pair.localId);
      latest.set(pair.localId, pair);
    }
    const remoteIds = [...latest.values()].flatMap((pair) => (pair.remoteId === null ? [] : [pair.remoteId]));
    await tx.syncPair.deleteMany({ where: { accountId: this.accountId, OR: [{ eventId: { in: [...latest.keys()] } }, { remoteId: { in: remoteIds } }] } });
    await tx.syncPair.createMany({ data: [...latest.values()].map((pair) => ({ accountId: this.accountId, eventId: pair.localId, ...columns(pair) })) });
  }

  private async local<T>(work: () => Promise<T>, id: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError && (error.code === "conflict" || error.code === "not_found")) throw new LocalConflictError(id);
      throw error;
    }
  }

  async loadState(): Promise<AccountSyncState> {
    const db = await getDb();
    const account = await db.syncAccount.findFirstOrThrow({ where: { id: this.accountId, ownerId: this.ownerId } });
    return { remoteCursor: account.remoteCursor, localSeq: account.localSeq, policy: POLICY[account.conflictPolicy] ?? "latest" };
  }

  async saveCursors(remoteCursor: string | null, localSeq: bigint, listedRemoteIds: string[], options?: { unlistOthers?: boolean }): Promise<void> {
    const db = await getDb();
    await db.$transaction(async (tx) => {
      await tx.syncAccount.updateMany({ where: { id: this.accountId, ownerId: this.ownerId }, data: { remoteCursor, localSeq } });
      if (options?.unlistOthers) await tx.syncPair.updateMany({ where: { accountId: this.accountId, listed: true }, data: { listed: false } });
      // In slices: a first import lists every event, and a statement takes at most 65,535 parameters.
      for (let start = 0; start < listedRemoteIds.length; start += LISTED_PER_STATEMENT) {
        const remoteIds = listedRemoteIds.slice(start, start + LISTED_PER_STATEMENT);
        await tx.syncPair.updateMany({ where: { accountId: this.accountId, listed: false, remoteId: { in: remoteIds } }, data: { listed: true } });
      }
    });
  }

  async pairsByRemoteIds(remoteIds: string[]): Promise<Pair[]> {
    if (remoteIds.length === 0) return [];
    const db = await getDb();
    return (await db.syncPair.findMany({ where: { accountId: this.accountId, remoteId: { in: remoteIds } } })).map(toPair);
  }

  async pairsByLocalIds(localIds: string[]): Promise<Pair[]> {
    if (localIds.length === 0) return [];
    const db = await getDb();
    return (await db.syncPair.findMany({ where: { accountId: this.accountId, eventId: { in: localIds } } })).map(toPair);
  }

  async pendingPairs(): Promise<Pair[]> {
    const db = await getDb();
    return (await db.syncPair.findMany({ where: { accountId: this.accountId, remoteId: null } })).map(toPair);
  }

  async countPairs(): Promise<number> {
    const db = await getDb();
    return db.syncPair.count({ where: { accountId: this.accountId, remoteId: { not: null } } });
  }

  async unlistedPairs(): Promise<Pair[]> {
    const db = await getDb();
    return (await db.syncPair.findMany({ where: { accountId: this.accountId, listed: false, remoteId: { not: null } } })).map(toPair);
  }

  async listPairs(afterLocalId: string | null, limit: number): Promise<Pair[]> {
    const db = await getDb();
    const rows = await db.syncPair.findMany({
      where: { accountId: this.accountId, remoteId: { not: null }, ...(afterLocalId ? { eventId: { gt: afterLocalId } } : {}) },
      orderBy: { eventId: "asc" },
      take: limit,
    });
    return rows.map(toPair);
  }

  async savePairs(pairs: Pair[]): Promise<void> {
    if (pairs.length === 0) return;
    const db = await getDb();
    await db.$transaction((tx) => this.upsertPairs(tx, pairs));
  }

  async deletePairs(localIds: string[]): Promise<void> {
    if (localIds.length === 0) return;
    const db = await getDb();
    await db.syncPair.deleteMany({ where: { accountId: this.accountId, eventId: { in: localIds } } });
  }

  async localEvents(ids: string[]): Promise<LocalEvent[]> {
    return (await getEvents(this.ownerId, ids)).map(toLocal);
  }

  async exceptionPairs(seriesIds: string[]): Promise<{ seriesId: string; pair: Pair }[]> {
    if (seriesIds.length === 0) return [];
    const db = await getDb();
    const rows = await db.syncPair.findMany({
      where: { accountId: this.accountId, remoteId: { not: null }, event: { ownerId: this.ownerId, seriesId: { in: seriesIds } } },
      include: { event: { select: { seriesId: true } } },
    });
    return rows.map(({ event, ...row }) => ({ seriesId: event.seriesId as string, pair: toPair(row) }));
  }

  async findException(seriesId: string, originalStart: string): Promise<LocalEvent | null> {
    const db = await getDb();
    const row = await db.event.findFirst({ where: { ownerId: this.ownerId, seriesId, originalStart } });
    return row ? toStoredEvent(row) : null;
  }

  async localChangedSince(afterSeq: bigint, limit: number): Promise<LocalEvent[]> {
    return (await listChangedSince(this.ownerId, afterSeq, limit)).map(toLocal);
  }

  async pullCreate(entries: PullCreate[]): Promise<LocalEvent[]> {
    if (entries.length === 0) return [];
    const db = await getDb();
    return db.$transaction(
      async (tx) => {
        const created: LocalEvent[] = [];
        for (const { content, seriesId } of entries) created.push(await createEvent(this.ownerId, content, { seriesId, db: tx }));
        await this.upsertPairs(
          tx,
          created.map((event, index) => (entries[index] as PullCreate).pair(event)),
        );
        return created;
      },
      { timeout: 60_000 },
    );
  }

  async pullUpdate(id: string, expectedVersion: number, content: EventContent, restore: boolean, pair: (event: LocalEvent) => Pair): Promise<LocalEvent> {
    const db = await getDb();
    return this.local(
      () =>
        db.$transaction(async (tx) => {
          const updated = await updateEvent(this.ownerId, id, content, { expectedVersion, restore, db: tx });
          await this.upsertPairs(tx, [pair(updated)]);
          return updated;
        }),
      id,
    );
  }

  async pullDelete(id: string, expectedVersion: number): Promise<void> {
    const db = await getDb();
    await this.local(
      () =>
        db.$transaction(async (tx) => {
          await deleteEvent(this.ownerId, id, { expectedVersion, db: tx, ...(this.deletedBy ? { deletedBy: this.deletedBy } : {}) });
          const exceptions = await tx.event.findMany({ where: { ownerId: this.ownerId, seriesId: id }, select: { id: true } });
          await tx.syncPair.deleteMany({ where: { accountId: this.accountId, eventId: { in: [id, ...exceptions.map((e) => e.id)] } } });
        }),
      id,
    );
  }

  async detachExceptions(seriesId: string): Promise<LocalEvent[]> {
    const db = await getDb();
    return db.$transaction(async (tx) => {
      const exceptions = await touchExceptions(this.ownerId, seriesId, { db: tx });
      await tx.syncPair.deleteMany({ where: { accountId: this.accountId, eventId: { in: exceptions.map((event) => event.id) } } });
      return exceptions.map(toLocal);
    });
  }

  async restoreLocal(id: string, pair: (event: LocalEvent) => Pair): Promise<LocalEvent> {
    const db = await getDb();
    return this.local(
      () =>
        db.$transaction(async (tx) => {
          const restored = await restoreEvent(this.ownerId, id, { db: tx });
          await this.upsertPairs(tx, [pair(restored)]);
          return restored;
        }),
      id,
    );
  }
}
