/**
 * Versions this provider moved itself. A resource holds a series and its overrides under one ETag,
 * so writing the master changes the ETag the engine holds for each override. A version the engine
 * holds is still good when every later version of the resource came from this provider's own
 * writes and none of them touched that component.
 */
export class OwnWrites {
  /** Per href: each version this provider replaced, and the components written since. */
  private readonly replaced = new Map<string, { etag: string; touched: Set<string> }[]>();

  private static key(originalStart: string | null): string {
    return originalStart ?? "";
  }

  record(href: string, before: string, after: string, originalStart: string | null): void {
    const key = OwnWrites.key(originalStart);
    const history = this.replaced.get(href) ?? [];
    for (const entry of history) entry.touched.add(key);
    history.push({ etag: before, touched: new Set([key]) });
    if (before === after) return;
    this.replaced.set(href, history);
  }

  /**
   * Whether `held` (the version the engine holds) still vouches for this component, given the
   * resource is at `current`. `whole`: the write concerns the whole resource (a deletion of a series),
   * which only this provider's own later writes may have changed.
   */
  stillValid(href: string, current: string, held: string, originalStart: string | null, whole: boolean): boolean {
    if (held === current) return true;
    const entry = this.replaced.get(href)?.find((candidate) => candidate.etag === held);
    if (!entry) return false;
    return whole || !entry.touched.has(OwnWrites.key(originalStart));
  }
}
