// What the convergence property needs from a remote calendar besides the provider itself: a way to
// act as a person using that calendar, and to look at what it holds. The in-memory remote, and the
// real providers against their fake servers, each supply one.
import type { EventContent } from "@/lib/calendar/event-content";
import type { ChangePage, CreateRequest, ListingContext, DeleteRequest, RemoteCalendar, UpdateRequest, WriteResult } from "@/lib/sync/provider";
import { Crash, MemoryRemote } from "./memory-sides";

export interface RemoteSnapshotItem {
  remoteId: string;
  seriesRemoteId: string | null;
  content: EventContent;
}

export interface RemoteHarness {
  remote: RemoteCalendar;
  userCreate(content: EventContent, seriesRemoteId: string | null): Promise<string>;
  userEdit(remoteId: string, change: Partial<EventContent>): Promise<void>;
  userDelete(remoteId: string): Promise<void>;
  /** Every item that is not deleted. */
  live(): Promise<RemoteSnapshotItem[]>;
  /** Makes the server refuse every cursor issued so far. */
  expireCursors(): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Wraps a provider so tests can make the process "die" right after a write reached the server, and
 * make single items of a batch fail for now — whatever the provider underneath.
 */
export class FaultyRemote implements RemoteCalendar {
  private crashCountdown: number | null = null;
  private pagesBeforeCrash: number | null = null;
  private failing = 0;
  private failure: { kind: "unavailable" | "rejected"; message: string } = { kind: "unavailable", message: "injected failure" };
  private personEdits: ((remoteId: string) => Promise<void>) | null = null;
  readonly read?: RemoteCalendar["read"];

  constructor(private readonly inner: RemoteCalendar) {
    if (inner.read) this.read = (remoteIds) => (inner.read as NonNullable<RemoteCalendar["read"]>).call(inner, remoteIds);
  }

  get requestCount(): number {
    return this.inner.requestCount;
  }
  get writeBatchSize(): number | undefined {
    return this.inner.writeBatchSize;
  }

  crashAfterWrites(writes: number): void {
    this.crashCountdown = writes;
  }
  /** The process dies while listing: after this many pages were handed over, before the next arrives. */
  crashAfterPages(pages: number): void {
    this.pagesBeforeCrash = pages;
  }
  failNextItems(items: number): void {
    this.failing = items;
    this.failure = { kind: "unavailable", message: "injected failure" };
  }
  /** The server refuses the next items for good (Google's 400, Exchange's ErrorInvalidRequest …). */
  rejectNextItems(items: number, message: string): void {
    this.failing = items;
    this.failure = { kind: "rejected", message };
  }
  /** A person changes the item of the next update or deletion just before it reaches the server (it answers 412). */
  editBeforeNextWrite(edit: (remoteId: string) => Promise<void>): void {
    this.personEdits = edit;
  }
  private async editedBefore(remoteId: string | undefined): Promise<void> {
    const edit = this.personEdits;
    this.personEdits = null;
    if (edit && remoteId) await edit(remoteId);
  }
  reset(): void {
    this.crashCountdown = null;
    this.pagesBeforeCrash = null;
    this.failing = 0;
    this.personEdits = null;
  }

  async *listChanges(cursor: string | null, context?: ListingContext): AsyncIterable<ChangePage> {
    for await (const page of this.inner.listChanges(cursor, context)) {
      if (this.pagesBeforeCrash !== null) {
        if (this.pagesBeforeCrash === 0) {
          this.pagesBeforeCrash = null;
          throw new Crash("while listing");
        }
        this.pagesBeforeCrash -= 1;
      }
      yield page;
    }
  }
  findByLocalTag(localIds: string[]) {
    return this.inner.findByLocalTag(localIds);
  }

  private async write<R>(requests: R[], send: (requests: R[]) => Promise<WriteResult[]>, where: string): Promise<WriteResult[]> {
    const failed = Math.min(this.failing, requests.length);
    this.failing -= failed;
    const sent = requests.length > failed ? await send(requests.slice(failed)) : [];
    const results: WriteResult[] = [...Array.from({ length: failed }, () => ({ ok: false as const, ...this.failure })), ...sent];
    if (this.crashCountdown !== null) {
      if (this.crashCountdown === 0) {
        this.crashCountdown = null;
        throw new Crash(where);
      }
      this.crashCountdown -= 1;
    }
    return results;
  }

  create(requests: CreateRequest[]) {
    return this.write(requests, (r) => this.inner.create(r), "after remote create");
  }
  update(requests: UpdateRequest[]) {
    return this.write(requests, async (r) => (await this.editedBefore(r[0]?.remoteId), this.inner.update(r)), "after remote update");
  }
  delete(requests: DeleteRequest[]) {
    return this.write(requests, async (r) => (await this.editedBefore(r[0]?.remoteId), this.inner.delete(r)), "after remote delete");
  }
}

export function memoryHarness(pageSize = 3, forgetsDeletionsOfUnlisted = false, deletionsNameTheirSeries = true): RemoteHarness & { memory: MemoryRemote } {
  const memory = new MemoryRemote();
  memory.pageSize = pageSize;
  memory.forgetsDeletionsOfUnlisted = forgetsDeletionsOfUnlisted;
  memory.deletionsNameTheirSeries = deletionsNameTheirSeries;
  return {
    memory,
    remote: memory,
    userCreate: async (content, seriesRemoteId) => memory.userCreate(content, seriesRemoteId),
    userEdit: async (remoteId, change) => memory.userEdit(remoteId, change),
    userDelete: async (remoteId) => memory.userDelete(remoteId),
    live: async () => memory.live().map((item) => ({ remoteId: item.remoteId, seriesRemoteId: item.seriesRemoteId, content: item.content as EventContent })),
    expireCursors: async () => memory.expireCursors(),
  };
}
