"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { googleLoginSchema } from "@/lib/validations/sync-accounts";

interface Props {
  login: string;
  failure: string | null;
  /** Set once the callback stored a token: Create becomes available. */
  received: { flowId: string; login: string } | null;
  receive: (input: { login: string }) => Promise<ActionResult<{ url: string }>>;
  create: (input: { flowId: string }) => Promise<ActionResult<null>>;
}

export function GoogleTokenForm({ login, failure, received, receive, create }: Props) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(failure);
  const [creating, setCreating] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(googleLoginSchema), defaultValues: { login } });

  const onReceive = handleSubmit(async (values) => {
    setMessage(null);
    const result = await receive(values);
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
    const result = await create({ flowId: received.flowId });
    setCreating(false);
    if (!result.ok) return setMessage(result.error);
    router.push("/settings/sync?notice=created");
  };

  return (
    <form onSubmit={onReceive} noValidate className="flex max-w-lg flex-col gap-4">
      <FormAlert message={message} />
      {received && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Google token received for <strong>{received.login}</strong>. Press Create to add the account.
        </p>
      )}
      <TextField
        label="Google Login"
        type="email"
        autoComplete="email"
        placeholder="name@gmail.com"
        hint="The Google account whose calendar to sync. You confirm it on Google's consent screen."
        error={errors.login?.message}
        readOnly={received !== null}
        {...register("login")}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant={received ? "secondary" : "primary"} disabled={isSubmitting}>
          {isSubmitting ? "Opening Google…" : "Receive Google token"}
        </Button>
        <Button type="button" onClick={onCreate} disabled={!received || creating}>
          {creating ? "Creating…" : "Create"}
        </Button>
      </div>
      <p className="text-sm text-slate-600">
        Google sends no token when this app is already authorized for the account.{" "}
        <Link href="/help/remove-google-authorization" className="font-medium text-brand-700 underline">
          Remove the application authorization in Google
        </Link>{" "}
        first, then receive the token again.
      </p>
    </form>
  );
}
