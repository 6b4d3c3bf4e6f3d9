/**
 * ChangeKeys this provider moved itself. Writing an exception changes its master (the exception
 * lives inside it), so the ChangeKey the engine holds for the master goes stale through the
 * provider's own write; an update of the master later in the same run would otherwise be refused as
 * a conflict with nobody. Only a move from a key the provider bound to the key read right after its
 * write is recorded, so a change by anyone else still shows as a conflict.
 */
export class OwnChanges {
  private readonly moves = new Map<string, { from: Set<string>; to: string }>();

  record(itemId: string, before: string, after: string): void {
    if (before === after) return;
    const known = this.moves.get(itemId);
    const from = known && known.to === before ? known.from : new Set<string>();
    from.add(before);
    this.moves.set(itemId, { from, to: after });
  }

  /** Whether `current` is `held` moved on by this provider's own writes only. */
  explains(itemId: string, held: string, current: string): boolean {
    const move = this.moves.get(itemId);
    return move !== undefined && move.to === current && move.from.has(held);
  }
}
