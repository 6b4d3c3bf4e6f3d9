import Link from "next/link";
import { providerName } from "@/components/sync/provider-icon";
import type { AttentionItem } from "@/lib/sync-accounts/attention";

/** What the person does about each account, in the words the account's card uses for its buttons. */
function whatToDo(item: AttentionItem): string {
  const account = `${providerName(item.provider)} ${item.login}`;
  switch (item.reason) {
    case "password-outdated":
      return "Syncing is paused because your login password changed: confirm the new password in the Atollon account.";
    case "authorization-needed":
      return `${account} needs authorization again: ${item.provider === "GOOGLE" ? "receive a new Google token" : "sign in with Microsoft again"}.`;
    case "password-rejected":
      return `${account} refused the stored password: enter the current one.`;
    case "deletions-paused":
      return `${account}: many events disappeared there at once, so syncing waits for you — restore the events or apply the deletions.`;
    case "failing":
      return `${account} has not synced for more than a day: check its error and connection.`;
  }
}

/** Shown on every page while a sync account needs its person; nothing shows when none does. */
export function AttentionBanner({ items }: { items: AttentionItem[] }) {
  if (items.length === 0) return null;
  const heading = items.length === 1 ? "A sync account needs you" : `${items.length} sync accounts need you`;
  return (
    <section aria-labelledby="attention-heading" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto flex max-w-6xl flex-col gap-1 px-4 py-3 text-sm text-amber-950 sm:flex-row sm:items-start sm:gap-4 sm:px-6">
        <div className="flex-1">
          <h2 id="attention-heading" className="font-semibold">
            {heading}
          </h2>
          <ul className="mt-1 flex flex-col gap-0.5">
            {items.map((item) => (
              <li key={item.accountId}>{whatToDo(item)}</li>
            ))}
          </ul>
        </div>
        <Link href="/settings/sync" className="self-start rounded-md bg-amber-900 px-3 py-1.5 font-semibold whitespace-nowrap text-white hover:bg-amber-950">
          Open Synchronization
        </Link>
      </div>
    </section>
  );
}
