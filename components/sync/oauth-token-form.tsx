"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { googleLoginSchema, microsoftLoginSchema } from "@/lib/validations/sync-accounts";
import { CalendarToSync } from "@/components/sync/calendar-to-sync";

/** What differs between "Receive Google token" and "Sign in with Microsoft": the words, the address check, the notice after Create. */
const KINDS = {
  google: {
    schema: googleLoginSchema,
    label: "Google Login",
    placeholder: "name@gmail.com",
    hint: "The Google account whose calendar to sync. You confirm it on Google's consent screen.",
    start: "Receive Google token",
    starting: "Opening Google…",
    received: "Google token received for",
    createdNotice: "created",
    footer: (
      <p className="text-sm text-slate-600">
        Google sends no token when this app is already authorized for the account.{" "}
        <Link href="/help/remove-google-authorization" className="font-medium text-brand-700 underline">
          Remove the application authorization in Google
        </Link>{" "}
        first, then receive the token again.
      </p>
    ) as ReactNode,
  },
  microsoft: {
    schema: microsoftLoginSchema,
    label: "Login",
    placeholder: "name@company.com",
    hint: "Your Microsoft 365 work or school address. You confirm it at Microsoft, where you sign in with your own password and any second factor.",
    start: "Sign in with Microsoft",
    starting: "Opening Microsoft…",
    received: "Microsoft token received for",
    createdNotice: "created-microsoft",
    footer: null as ReactNode,
  },
} as const;

interface Props {
  kind: keyof typeof KINDS;
  login: string;
  failure: string | null;
  /** Set once the callback stored a token: Create becomes available. */
  received: { flowId: string; login: string } | null;
  /** Starts the authorization: the address of the provider's consent page. */
  start: (input: { login: string }) => Promise<ActionResult<{ url: string }>>;
  create: (input: { flowId: string; calendarId?: string }) => Promise<ActionResult<null>>;
  /** The calendars the received token may write to, the default one first: one is chosen at Create. */
  calendars?: { id: string; name: string; primary: boolean }[] | null;
}

/** Login → the provider's consent page → back here with the token → Create. */
export function OAuthTokenForm({ kind, login, failure, received, start, create, calendars }: Props) {
  const words = KINDS[kind];
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(failure);
  const [creating, setCreating] = useState(false);
  const [calendarId, setCalendarId] = useState(calendars?.[0]?.id ?? "");
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(words.schema), defaultValues: { login } });

  const onStart = handleSubmit(async (values) => {
    setMessage(null);
    const result = await start(values);
    if (!result.ok) {
      setMessage(result.error);
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    window.location.assign(result.data.url);
  });

  const onCreate = async () => {
    if (!received) return;
    setCreating(true);
    const result = await create({ flowId: received.flowId, ...(calendars && calendarId ? { calendarId } : {}) });
    setCreating(false);
    if (!result.ok) return setMessage(result.error);
    router.push(`/settings/sync?notice=${words.createdNotice}`);
    router.refresh();
  };

  return (
    <form onSubmit={onStart} noValidate className="flex max-w-lg flex-col gap-4">
      <FormAlert message={message} />
      {received && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {words.received} <strong>{received.login}</strong>. Press Create to add the account.
        </p>
      )}
      <TextField
        label={words.label}
        type="email"
        autoComplete="email"
        placeholder={words.placeholder}
        hint={words.hint}
        error={errors.login?.message}
        readOnly={received !== null}
        {...register("login")}
      />
      {received && calendars && calendars.length > 0 && (
        <CalendarToSync calendars={calendars} value={calendarId} onChange={setCalendarId} />
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant={received ? "secondary" : "primary"} disabled={isSubmitting}>
          {isSubmitting ? words.starting : words.start}
        </Button>
        <Button type="button" onClick={onCreate} disabled={!received || creating}>
          {creating ? "Creating…" : "Create"}
        </Button>
      </div>
      {words.footer}
    </form>
  );
}
