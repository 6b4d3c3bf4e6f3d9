"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { microsoftLoginSchema } from "@/lib/validations/sync-accounts";

interface Props {
  login: string;
  failure: string | null;
  /** Set once the callback stored a token: Create becomes available. */
  received: { flowId: string; login: string } | null;
  signIn: (input: { login: string }) => Promise<ActionResult<{ url: string }>>;
  create: (input: { flowId: string }) => Promise<ActionResult<null>>;
}

/** Login → Sign in with Microsoft (consent at Microsoft) → back here → Create. */
export function MicrosoftSignInForm({ login, failure, received, signIn, create }: Props) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(failure);
  const [creating, setCreating] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(microsoftLoginSchema), defaultValues: { login } });

  const onSignIn = handleSubmit(async (values) => {
    setMessage(null);
    const result = await signIn(values);
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
    router.push("/settings/sync?notice=created-microsoft");
    router.refresh();
  };

  return (
    <form onSubmit={onSignIn} noValidate className="flex max-w-lg flex-col gap-4">
      <FormAlert message={message} />
      {received && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Microsoft token received for <strong>{received.login}</strong>. Press Create to add the account.
        </p>
      )}
      <TextField
        label="Login"
        type="email"
        autoComplete="email"
        placeholder="name@company.com"
        hint="Your Microsoft 365 work or school address. You confirm it at Microsoft, where you sign in with your own password and any second factor."
        error={errors.login?.message}
        readOnly={received !== null}
        {...register("login")}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant={received ? "secondary" : "primary"} disabled={isSubmitting}>
          {isSubmitting ? "Opening Microsoft…" : "Sign in with Microsoft"}
        </Button>
        <Button type="button" onClick={onCreate} disabled={!received || creating}>
          {creating ? "Creating…" : "Create"}
        </Button>
      </div>
    </form>
  );
}
