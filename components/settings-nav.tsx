import { NavLink } from "./nav-link";

export function SettingsNav() {
  return (
    <nav aria-label="Settings" className="flex gap-1 overflow-x-auto md:flex-col">
      <NavLink href="/settings/sync">Synchronization</NavLink>
      <NavLink href="/settings/account">Account</NavLink>
    </nav>
  );
}
