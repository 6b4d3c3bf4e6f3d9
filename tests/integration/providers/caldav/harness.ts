import { CalDavCalendar } from "@/lib/providers/caldav/caldav-calendar";
import { LOCAL_ENV, newCalDavCalendar } from "../../../helpers/caldav-person";
import type { Radicale } from "../../../helpers/radicale";
import type { RemoteHarness } from "../../../unit/sync/remote-harness";

/**
 * A fresh calendar on the running Radicale, the real provider in front of it, and hands to use it
 * as a person in another calendar app would (caldav-person.ts).
 */
export async function caldavHarness(server: Radicale): Promise<RemoteHarness & { remote: CalDavCalendar }> {
  const person = await newCalDavCalendar(server);
  const remote = new CalDavCalendar({ calendarUrl: person.calendarUrl, login: server.login, password: server.password, env: LOCAL_ENV, retryBudgetMs: 0 });
  return {
    remote,
    userCreate: (content, seriesRemoteId) => person.create(content, seriesRemoteId),
    userEdit: (remoteId, change) => person.edit(remoteId, change),
    userDelete: (remoteId) => person.remove(remoteId),
    live: async () => (await person.live()).flatMap((item) => (item.content ? [{ remoteId: item.remoteId, seriesRemoteId: item.seriesRemoteId, content: item.content }] : [])),
    expireCursors: () => person.expireSyncTokens(),
  };
}
