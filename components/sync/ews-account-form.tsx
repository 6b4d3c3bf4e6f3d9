"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { CalendarToSync, type CalendarChoice } from "@/components/sync/calendar-to-sync";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { ewsPasswordSchema, exchangeAccountSchema, officeAccountSchema } from "@/lib/validations/sync-accounts";

type Values = { login: string; serverUrl: string; password: string; calendarId?: string };

interface Props {
  kind: "office" | "exchange";
  defaultServerUrl: string;
  create: (input: Values) => Promise<ActionResult<{ created: string } | { discovered: string } | { calendars: CalendarChoice[] }>>;
}

/**
 * Login, Server URL (Office.com) or Server (MS Exchange), Password → Create: the seed's words. The server tests the connection before anything is stored and
 * says what went wrong under the field it concerns. An Exchange server left empty is looked up and
 * proposed; the user confirms it by pressing Create again. A mailbox with several calendars lists
 * them once the connection works, the default one preselected; Create again adds the account.
 */
export function EwsAccountForm({ kind, defaultServerUrl, create }: Props) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [calendars, setCalendars] = useState<CalendarChoice[] | null>(null);
  const [calendarId, setCalendarId] = useState("");
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    formState: { errors, isSubmitting },
  } = useForm<Values>({
    resolver: zodResolver(kind === "office" ? officeAccountSchema : exchangeAccountSchema),
    defaultValues: { login: "", serverUrl: defaultServerUrl, password: "" },
  });

  // The calendars listed are another mailbox's once the login or the server changes.
  const forgetCalendars = { onChange: () => setCalendars(null) };

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await create({ ...values, ...(calendars && calendarId ? { calendarId } : {}) });
    if (!result.ok) {
      setMessage({ tone: "error", text: result.error });
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    if ("calendars" in result.data) {
      setCalendars(result.data.calendars);
      setCalendarId(result.data.calendars.find((calendar) => calendar.primary)?.id ?? result.data.calendars[0]?.id ?? "");
      setMessage({ tone: "success", text: "The server accepted the login. This mailbox has several calendars: choose the one to sync, then press Create." });
      return;
    }
    if ("discovered" in result.data) {
      setValue("serverUrl", result.data.discovered);
      setMessage({ tone: "success", text: `Found your server: ${result.data.discovered}. Check the address, then press Create to connect.` });
      return;
    }
    router.push("/settings/sync?notice=created-ews");
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-lg flex-col gap-4">
      <FormAlert message={message?.text} tone={message?.tone} />
      <TextField
        label="Login"
        autoComplete="username"
        hint={kind === "office" ? "Your Office 365 sign-in address." : "DOMAIN\\user or user@domain, as you sign in to Outlook at work."}
        error={errors.login?.message}
        {...register("login", forgetCalendars)}
      />
      <TextField
        label={kind === "office" ? "Server URL" : "Server"}
        type="url"
        inputMode="url"
        hint={
          kind === "office"
            ? "Office 365's Exchange Web Services address; change it only for a hybrid set-up."
            : "Your administrator provides it; it looks like https://servername.domain.com/EWS/Exchange.asmx. Leave it empty to look it up from your login's domain."
        }
        error={errors.serverUrl?.message}
        {...register("serverUrl", forgetCalendars)}
      />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...register("password")} />
      {calendars && (
        <CalendarToSync calendars={calendars} value={calendarId} onChange={setCalendarId} />
      )}
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Testing the connection…" : "Create"}
      </Button>
    </form>
  );
}

/** A new password for an existing account; the account keeps what it has synced. */
export function EwsPasswordForm({ accountId, update }: { accountId: string; update: (input: { accountId: string; password: string }) => Promise<ActionResult<null>> }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(ewsPasswordSchema.pick({ password: true })), defaultValues: { password: "" } });

  const onSubmit = handleSubmit(async ({ password }) => {
    setMessage(null);
    const result = await update({ accountId, password });
    if (!result.ok) {
      setMessage(result.error);
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    reset();
    router.push("/settings/sync?notice=password-updated");
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-md flex-col gap-3">
      <FormAlert message={message} />
      <TextField label="New password" type="password" autoComplete="current-password" error={errors.password?.message} {...register("password")} />
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Testing the connection…" : "Update password"}
      </Button>
    </form>
  );
}
