// Failures aimed at single calls inside a batch, so a test can check that the provider retries just
// those calls: by position in the next batch, or by a predicate over any inner call, each with an
// optional Retry-After header on its inner response.
import { faultResult, type CallResult, type Fault } from "./google-error";

export interface InnerCall {
  /** Position in its batch, from 0. */
  index: number;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface BatchFault extends Fault {
  /** A position in the next batch that has one, or a test of any inner call. */
  target: number | ((call: InnerCall) => boolean);
  /** How many inner calls it fails before it is used up: 1 by default. */
  times?: number;
}

export function createBatchFaults() {
  let pending: (BatchFault & { left: number })[] = [];
  return {
    add(...faults: BatchFault[]) {
      pending.push(...faults.map((fault) => ({ ...fault, left: fault.times ?? 1 })));
    },
    clear() {
      pending = [];
    },
    /** The injected answer for this inner call, if a fault claims it (and uses it up once). */
    take(call: InnerCall): CallResult | null {
      const fault = pending.find((f) => (typeof f.target === "number" ? f.target === call.index : f.target(call)));
      if (!fault) return null;
      fault.left -= 1;
      if (fault.left <= 0) pending = pending.filter((f) => f !== fault);
      return faultResult(fault);
    },
  };
}
