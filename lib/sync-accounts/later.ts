/**
 * Work a person's request need not wait for: registering an account's push channel or change
 * subscription. A request passes Next's `after`, so the answer comes first and the registration
 * (Graph's validation handshake can take seconds) runs once it is sent; elsewhere — scripts, tests —
 * the work is simply done before the call returns.
 */
export type Later = (work: () => Promise<void>) => void | Promise<void>;

export const rightAway: Later = (work) => work();
