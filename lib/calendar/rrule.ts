import * as rruleModule from "rrule";

// rrule ships ES modules to bundlers but CommonJS to Node, whose ESM loader only sees its default
// export (the benchmark and scripts run under plain Node): take RRule from whichever shape arrived.
const loaded = rruleModule as typeof rruleModule & { default?: typeof rruleModule };

export const RRule = loaded.RRule ?? (loaded.default as typeof rruleModule).RRule;
export type RRule = InstanceType<typeof RRule>;
