import { describe, it } from "vitest";
import { checkConvergence, type Op } from "./convergence-property";
import { memoryHarness } from "./remote-harness";

describe("sync convergence (in-memory remote)", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    let run = 0;
    // Every other case the remote reports deletions the way Exchange does, every third as Graph does (see MemoryRemote).
    await checkConvergence(async () => memoryHarness((run % 5) + 1, run % 2 === 1, run++ % 3 !== 2), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 300) });
  });

  it("converges under \"Ask me\": open conflicts hold exactly their events, random settles and undos are carried out", async () => {
    let run = 0;
    await checkConvergence(async () => memoryHarness((run % 5) + 1, run % 2 === 1, run++ % 3 !== 2), { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 300), policy: "ask", minOps: 20 });
  });

  it("keeps the cases the property once failed on, under \"Ask me\"", async () => {
    const cases: { pageSize: number; ops: Op[] }[] = [
      {
        // A series held by a conflict is deleted here while an occurrence of it changes remotely: the
        // occurrence waits with its series instead of being deleted, brought back and copied again.
        pageSize: 1,
        ops: [
          { kind: "create", side: "local", recurring: true, allDay: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: false },
          { kind: "edit", side: "remote", pick: 0, field: "title", value: 0 },
          { kind: "edit", side: "local", pick: 0, field: "title", value: 1 },
          { kind: "exception", side: "local", pick: 0, cancel: false },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 1, expire: false, editDuring: false },
          { kind: "delete", side: "local", pick: 0 },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: true },
          { kind: "clash", pick: 0, sameField: false, value: 0 },
        ],
      },
      {
        // "Keep theirs" for a deleted series brings its occurrence back before another choice for that
        // occurrence is carried out in the same run.
        pageSize: 1,
        ops: [
          { kind: "create", side: "remote", recurring: false, allDay: false },
          { kind: "create", side: "local", recurring: true, allDay: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: false },
          { kind: "delete", side: "remote", pick: 0 },
          { kind: "edit", side: "local", pick: 81968245, field: "title", value: 0 },
          { kind: "edit", side: "local", pick: 0, field: "time", value: 0 },
          { kind: "exception", side: "local", pick: 0, cancel: false },
          { kind: "clash", pick: 0, sameField: false, value: 1 },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 1, expire: false, editDuring: false },
          { kind: "clash", pick: 175228009, sameField: true, value: 0 },
          { kind: "delete", side: "local", pick: 0 },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: false },
          { kind: "settle", pick: 0, choice: "remote" },
        ],
      },
      {
        // A crash loses the answer to a new occurrence's create, and the remote makes its own version of
        // that occurrence: the listing pairs them, the create is not sent again.
        pageSize: 2,
        ops: [
          { kind: "create", side: "local", recurring: true, allDay: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: false },
          { kind: "exception", side: "remote", pick: 0, cancel: false },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: true },
          { kind: "exception", side: "local", pick: 411447081, cancel: false },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "sync", crashSide: "local", crashAfter: 6, failWrites: 2, expire: true, editDuring: false },
          { kind: "exception", side: "remote", pick: 2087647743, cancel: true },
        ],
      },
      {
        // The remote copy a crashed run made is deleted before the next run: the deletion is applied once.
        pageSize: 1,
        ops: [
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: false },
          { kind: "edit", side: "local", pick: 0, field: "rrule", value: 1 },
          { kind: "clash", pick: 0, sameField: false, value: 0 },
          { kind: "sync", crashSide: null, crashAfter: 0, failWrites: 0, expire: false, editDuring: false },
          { kind: "delete", side: "remote", pick: 0 },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "delete", side: "local", pick: 332447729 },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "create", side: "local", recurring: false, allDay: false },
          { kind: "sync", crashSide: "remote", crashAfter: 4, failWrites: 0, expire: false, editDuring: false },
          { kind: "delete", side: "remote", pick: 0 },
          { kind: "delete", side: "remote", pick: 326694931 },
        ],
      },
    ];
    for (const { pageSize, ops } of cases) await checkConvergence(async () => memoryHarness(pageSize, false, false), { numRuns: 1, policy: "ask", examples: [ops] });
  });
});
