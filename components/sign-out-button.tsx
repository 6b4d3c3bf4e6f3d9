"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { useHydrated } from "./use-hydrated";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      disabled={pending || !hydrated}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/sign-in" });
      }}
      className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900"
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
