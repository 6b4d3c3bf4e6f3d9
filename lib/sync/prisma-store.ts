import { createEvent, createEvents, deleteEvent, getEvents, listChangedSince, restoreEvent, toStoredEvent, touchEvent, touchExceptions, updateEvent, type DeletedBy, type StoredEvent } from "@/lib/calendar/events";
import type { EventContent } from "@/lib/calendar/event-content";
import { getDb } from "@/lib/db/client";
import { Prisma, type SyncPair } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import type { SettleChoice, Settlement } from "@/lib/sync/conflicts/record";
import { settlementTrace, type SettlementWrites } from "@/lib/sync/conflicts/settle";
import type { ContentField } from "@/lib/sync/content-hash";
import { LocalConflictError, type AccountSyncState, type PullCreate, type SyncStore, type TraceAction, type WriteRecords } from "@/lib/sync/store";
import type { ConflictPolicy, LocalEvent, Pair } from "@/lib/sync/types";

const POLICY: Record<string, ConflictPolicy> = { LATEST: "latest", LOCAL: "local", REMOTE: "remote", ASK: "ask" };

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
  held: row.held,
  origin: row.origin === "local" || row.origin === "remote" ? row.origin : null,
});

const LISTED_PER_STATEMENT = 10_000;

const toLocal = (event: StoredEvent): LocalEvent => event;

const here = (eventId: string, action: TraceAction["action"]): TraceAction => ({ eventId, action, side: "here" });

const json = (content: EventContent) => content as unknown as Prisma.InputJsonValue;

/** The Atollon side of one sync account, in the database: the owner's events plus the account's pairs and cursors. */
export class PrismaSyncStore implements SyncStore {
  constructor(
    private readonly ownerId: string,
    private readonly accountId: string,
    /** The run this store serves: the events it deletes are recorded as deleted by it (Recently deleted). */
    private readonly deletedBy?: DeletedBy,
  ) {}

  /**
   * A write's trace entries and rejections as the head of its statement (data-modifying CTEs, which
   * PostgreSQL runs whether or not the statement reads them): recording them costs no round trip.
   */
  protected recordsHead(records: WriteRecords | undefined): Prisma.Sql {
    const trace = records?.trace ?? [];
    const rejections = records?.rejections ?? [];
    if (trace.length === 0 && rejections.length === 0) return Prisma.empty;
    const written = trace.filter((entry) => entry.side === "there" && (entry.action === "created" || entry.action === "updated")).map((entry) => entry.eventId);
    return Prisma.sql`WITH "traced" AS (
        INSERT INTO "SyncTraceEntry" ("accountId", "eventId", "runId", "action", "side")
        SELECT ${this.accountId}::uuid, "eventId", ${this.deletedBy?.runId ?? null}::uuid, "action", "side"
        FROM jsonb_to_recordset(${JSON.stringify(trace)}::jsonb) AS t("eventId" uuid, "action" text, "side" text)
      ), "accepted" AS (
        DELETE FROM "SyncRejection"
        WHERE "accountId" = ${this.accountId}::uuid AND "eventId" IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(written)}::jsonb))
      ), "refused" AS (
        INSERT INTO "SyncRejection" ("accountId", "eventId", "eventVersion", "message")
        SELECT ${this.accountId}::uuid, "eventId", "version", "message"
        FROM jsonb_to_recordset(${JSON.stringify(rejections)}::jsonb) AS r("eventId" uuid, "version" int, "message" text)
        ON CONFLICT ("accountId", "eventId") DO UPDATE SET "eventVersion" = EXCLUDED."eventVersion", "message" = EXCLUDED."message", "at" = CURRENT_TIMESTAMP
      ) `;
  }

  /** Forgets the pairs of these events, with the write's records, in one statement. */
  private async removePairs(tx: Prisma.TransactionClient, localIds: string[], records?: WriteRecords): Promise<void> {
    await tx.$executeRaw`${this.recordsHead(records)}
      DELETE FROM "SyncPair" WHERE "accountId" = ${this.accountId}::uuid AND "eventId" IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(localIds)}::jsonb))`;
  }

  /**
   * Replaces the pairs of these events, and lets go of any other pair that held one of their remote
   * ids (a remote id belongs to one pair): two statements per batch, whatever its size, the write's
   * trace entries and rejections included.
   */
  private async upsertPairs(tx: Prisma.TransactionClient, pairs: Pair[], records?: WriteRecords): Promise<void> {
    if (pairs.length === 0) {
      await tx.$executeRaw`${this.recordsHead(records)} SELECT 1`;
      return;
    }
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
    // jsonb_populate_recordset: one parameter for any number of pairs (Prisma's createMany binds
    // nine per pair, and took two seconds for a page of 2,500 on the bench machine).
    const rows = [...latest.values()].map(({ localId, ...pair }) => ({ ...pair, accountId: this.accountId, eventId: localId }));
    await tx.$executeRaw`${this.recordsHead(records)}
      INSERT INTO "SyncPair" ("accountId", "eventId", "remoteId", "localVersion", "localHash", "remoteVersion", "remoteHash", "sentHash", "listed", "base", "held", "origin")
      SELECT "accountId", "eventId", "remoteId", "localVersion", "localHash", "remoteVersion", "remoteHash", "sentHash", "listed", "base", COALESCE("held", false), "origin"
      FROM jsonb_populate_recordset(NULL::"SyncPair", ${JSON.stringify(rows)}::jsonb)`;
  }

  /**
   * The conflicts recorded with a write, in its transaction. One open conflict per event: a newer
   * version of theirs, met while the event waits, replaces the one the open conflict showed.
   */
  private async recordConflicts(tx: Prisma.TransactionClient, records: WriteRecords | undefined): Promise<void> {
    const fresh = [];
    for (const conflict of records?.conflicts ?? []) {
      const data = {
        remoteId: conflict.remoteId,
        remoteVersion: conflict.remoteVersion,
        fields: conflict.fields,
        atollon: json(conflict.atollon),
        theirs: json(conflict.theirs),
        winner: conflict.winner,
        reason: conflict.reason,
      };
      if (conflict.winner === null) {
        const updated = await tx.syncConflict.updateMany({ where: { accountId: this.accountId, eventId: conflict.eventId, status: "OPEN" }, data });
        if (updated.count > 0) continue;
      }
      const settled = conflict.winner !== null;
      fresh.push({ ...data, accountId: this.accountId, eventId: conflict.eventId, status: settled ? ("SETTLED" as const) : ("OPEN" as const), choice: conflict.winner, settledAt: settled ? new Date() : null });
    }
    if (fresh.length > 0) await tx.syncConflict.createMany({ data: fresh });
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
    return { remoteCursor: account.remoteCursor, localSeq: account.localSeq, policy: POLICY[account.conflictPolicy] ?? "latest", settlementsWaiting: account.settlementsWaiting };
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

  async savePairs(pairs: Pair[], records?: WriteRecords): Promise<void> {
    if (pairs.length === 0 && !records?.trace?.length && !records?.rejections?.length) return;
    const db = await getDb();
    if (!records?.conflicts?.length) {
      await db.$transaction((tx) => this.upsertPairs(tx, pairs, records));
      return;
    }
    await db.$transaction(async (tx) => {
      await this.upsertPairs(tx, pairs, records);
      await this.recordConflicts(tx, records);
    });
  }

  async deletePairs(localIds: string[], records?: WriteRecords): Promise<void> {
    if (localIds.length === 0) return;
    const db = await getDb();
    if (!records?.trace?.length) {
      await db.syncPair.deleteMany({ where: { accountId: this.accountId, eventId: { in: localIds } } });
      return;
    }
    await db.$transaction((tx) => this.removePairs(tx, localIds, records));
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
        const created = await createEvents(this.ownerId, entries, { db: tx });
        await this.upsertPairs(
          tx,
          created.map((event, index) => (entries[index] as PullCreate).pair(event)),
          { trace: created.map((event) => here(event.id, "created")) },
        );
        return created;
      },
      { timeout: 60_000 },
    );
  }

  async pullUpdate(id: string, expectedVersion: number, content: EventContent, restore: boolean, pair: (event: LocalEvent) => Pair, records?: WriteRecords): Promise<LocalEvent> {
    const db = await getDb();
    return this.local(
      () =>
        db.$transaction(async (tx) => {
          const updated = await updateEvent(this.ownerId, id, content, { expectedVersion, restore, db: tx });
          await this.upsertPairs(tx, [pair(updated)], { trace: [here(id, restore ? "restored" : "updated")] });
          await this.recordConflicts(tx, records);
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
          await this.removePairs(tx, [id, ...exceptions.map((e) => e.id)], { trace: [here(id, "deleted")] });
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
          await this.upsertPairs(tx, [pair(restored)], { trace: [here(id, "restored")] });
          return restored;
        }),
      id,
    );
  }

  async settlements(): Promise<Settlement[]> {
    const db = await getDb();
    const rows = await db.syncConflict.findMany({ where: { accountId: this.accountId, status: { in: ["CHOSEN", "UNDO"] }, account: { ownerId: this.ownerId } }, orderBy: { createdAt: "asc" } });
    return rows.flatMap((row) =>
      row.choice === null
        ? []
        : [
            {
              conflictId: row.id,
              kind: row.status === "UNDO" ? ("undo" as const) : ("settle" as const),
              choice: row.choice as SettleChoice,
              eventId: row.eventId,
              remoteId: row.remoteId,
              remoteVersion: row.remoteVersion,
              fields: row.fields as ContentField[],
              atollon: row.atollon as unknown as EventContent,
              theirs: row.theirs as unknown as EventContent,
              copyId: row.copyId,
            },
          ],
    );
  }

  async settle(conflictId: string, writes: SettlementWrites | null): Promise<void> {
    const db = await getDb();
    const work = () =>
      db.$transaction(async (tx) => {
        const conflict = await tx.syncConflict.findFirst({ where: { id: conflictId, accountId: this.accountId, account: { ownerId: this.ownerId } } });
        if (!conflict) return;
        let copyId = conflict.copyId;
        if (writes) {
          const options = { expectedVersion: writes.expectedVersion, db: tx };
          let event: LocalEvent | null = null;
          if (writes.content) event = await updateEvent(this.ownerId, writes.eventId, writes.content, { ...options, restore: writes.restore });
          else if (writes.touch) event = await touchEvent(this.ownerId, writes.eventId, options);
          const pair = writes.pair ? writes.pair(event ?? toStoredEvent(await tx.event.findFirstOrThrow({ where: { id: writes.eventId, ownerId: this.ownerId } }))) : null;
          if (writes.copy) copyId = (await createEvent(this.ownerId, writes.copy, { db: tx })).id;
          const copyGone = writes.deleteCopy !== null && (await tx.event.count({ where: { id: writes.deleteCopy, ownerId: this.ownerId } })) > 0;
          if (copyGone) await deleteEvent(this.ownerId, writes.deleteCopy as string, { db: tx });
          await this.upsertPairs(tx, pair ? [pair] : [], { trace: settlementTrace({ ...writes, deleteCopy: copyGone ? writes.deleteCopy : null }, copyId) });
        }
        const undo = conflict.status === "UNDO";
        await tx.syncConflict.update({ where: { id: conflict.id }, data: undo ? { status: "UNDONE", undoneAt: new Date() } : { status: "SETTLED", settledAt: new Date(), copyId } });
        const waiting = await tx.syncConflict.count({ where: { accountId: this.accountId, status: { in: ["CHOSEN", "UNDO"] } } });
        if (waiting === 0) await tx.syncAccount.update({ where: { id: this.accountId }, data: { settlementsWaiting: false } });
      });
    await (writes ? this.local(work, writes.eventId) : work());
  }

  async releaseHeld(localId: string): Promise<void> {
    const db = await getDb();
    await db.$transaction(async (tx) => {
      await tx.syncPair.deleteMany({ where: { accountId: this.accountId, eventId: localId } });
      await touchEvent(this.ownerId, localId, { db: tx });
      await tx.syncConflict.updateMany({ where: { accountId: this.accountId, eventId: localId, status: "OPEN" }, data: { status: "SETTLED", settledAt: new Date() } });
    });
  }
}
