"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { CALDAV_KINDS, CALDAV_PRESETS, caldavConnectionSchema, type CalDavKind } from "@/lib/validations/sync-accounts";

type Values = { kind: CalDavKind; serverUrl: string; login: string; password: string };
type Calendar = { url: string; name: string };

interface Props {
  test: (input: Values) => Promise<ActionResult<{ calendars: Calendar[] }>>;
  create: (input: Values & { calendarUrl: string }) => Promise<ActionResult<null>>;
}

const SERVER_HINTS: Record<CalDavKind, string> = {
  icloud: "iCloud's CalDAV address; it sends you on to your own iCloud server.",
  fastmail: "Fastmail's CalDAV address.",
  nextcloud: "The address of your Nextcloud, e.g. https://cloud.example.com — /remote.php/dav is added for you.",
  other: "The CalDAV address your provider gives, e.g. https://dav.example.com/ or a calendar's own address.",
};

const LOGIN_HINTS: Record<CalDavKind, string> = {
  icloud: "Your Apple Account email address.",
  fastmail: "Your Fastmail email address.",
  nextcloud: "Your Nextcloud user name.",
  other: "The user name for the CalDAV server.",
};

/**
 * Server (a preset or any address), Login, Password → Test connection: the server lists the
 * calendars that hold events, the person picks one → Create. Nothing is stored until Create, which
 * tests the connection again.
 */
export function CalDavAccountForm({ test, create }: Props) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [calendars, setCalendars] = useState<Calendar[] | null>(null);
  const [calendarUrl, setCalendarUrl] = useState("");
  const [creating, setCreating] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    control,
    getValues,
    formState: { errors, isSubmitting },
  } = useForm<Values>({
    resolver: zodResolver(caldavConnectionSchema),
    defaultValues: { kind: "icloud", serverUrl: CALDAV_PRESETS.icloud.serverUrl, login: "", password: "" },
  });
  const kind = useWatch({ control, name: "kind" });
  const changed = () => {
    setCalendars(null);
    setCalendarUrl("");
  };

  const onTest = handleSubmit(async (values) => {
    setMessage(null);
    changed();
    const result = await test(values);
    if (!result.ok) {
      setMessage(result.error);
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    setCalendars(result.data.calendars);
    setCalendarUrl(result.data.calendars[0]?.url ?? "");
  });

  const onCreate = async () => {
    setMessage(null);
    setCreating(true);
    const result = await create({ ...getValues(), calendarUrl });
    setCreating(false);
    if (!result.ok) {
      setMessage(result.error);
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    router.push("/settings/sync?notice=created-ews");
    router.refresh();
  };

  const fieldChange = (name: keyof Values) => register(name, { onChange: changed });

  return (
    <form onSubmit={onTest} noValidate className="flex max-w-lg flex-col gap-4">
      <FormAlert message={message} />
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1.5 text-sm font-medium text-slate-800">Server</legend>
        <div className="flex flex-wrap gap-2">
          {CALDAV_KINDS.map((value) => (
            <label key={value} className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
              <input
                type="radio"
                value={value}
                {...register("kind", {
                  // One registration serves every radio (the last one's options win): read the choice from the event.
                  onChange: (event: { target: { value: string } }) => {
                    changed();
                    const chosen = CALDAV_KINDS.find((candidate) => candidate === event.target.value) ?? "other";
                    setValue("serverUrl", CALDAV_PRESETS[chosen].serverUrl);
                  },
                })}
              />
              {CALDAV_PRESETS[value].label}
            </label>
          ))}
        </div>
      </fieldset>
      {kind === "icloud" && (
        <div className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900" role="note">
          <p className="font-medium">iCloud needs an app-specific password.</p>
          <p className="mt-1">
            Your Apple Account password does not work here. Make one at{" "}
            <a href="https://appleid.apple.com" target="_blank" rel="noreferrer" className="font-medium underline">
              appleid.apple.com
            </a>{" "}
            → Sign-In and Security → App-Specific Passwords, and paste it below.
          </p>
        </div>
      )}
      <TextField label="Server URL" type="url" inputMode="url" placeholder={kind === "nextcloud" ? "https://cloud.example.com" : undefined} hint={SERVER_HINTS[kind]} error={errors.serverUrl?.message} {...fieldChange("serverUrl")} />
      <TextField label="Login" autoComplete="username" hint={LOGIN_HINTS[kind]} error={errors.login?.message} {...fieldChange("login")} />
      <TextField label={kind === "icloud" ? "App-specific password" : "Password"} type="password" autoComplete="current-password" error={errors.password?.message} {...fieldChange("password")} />
      {calendars === null ? (
        <Button type="submit" disabled={isSubmitting} className="self-start">
          {isSubmitting ? "Testing the connection…" : "Test connection"}
        </Button>
      ) : (
        <>
          <fieldset className="flex flex-col gap-2 rounded-md border border-emerald-200 bg-emerald-50 p-4">
            <legend className="px-1 text-sm font-medium text-emerald-900">The server accepted the login. Pick the calendar to sync:</legend>
            {calendars.map((calendar) => (
              <label key={calendar.url} className="flex cursor-pointer items-start gap-2 text-sm">
                <input type="radio" name="calendarUrl" value={calendar.url} checked={calendarUrl === calendar.url} onChange={() => setCalendarUrl(calendar.url)} className="mt-1" />
                <span>
                  <span className="font-medium text-slate-900">{calendar.name}</span>
                  <span className="block text-xs break-all text-slate-600">{calendar.url}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <Button type="button" onClick={onCreate} disabled={creating || !calendarUrl} className="self-start">
            {creating ? "Testing the connection…" : "Create"}
          </Button>
        </>
      )}
    </form>
  );
}
