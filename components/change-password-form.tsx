"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { changePasswordSchema, PASSWORD_MIN_LENGTH, type ChangePasswordInput } from "@/lib/validations/auth";
import { changePasswordForSyncSchema } from "@/lib/validations/sync-accounts";
import { applyFieldErrors } from "./apply-field-errors";
import { Button } from "./button";
import { FormAlert } from "./form-alert";
import { TextField } from "./text-field";

interface ChangePasswordFormProps {
  email: string;
  action: (input: ChangePasswordInput & { alsoForSync: boolean }) => Promise<ActionResult<null>>;
  /** The person has an Atollon sync account, whose grant the new password can renew. */
  syncs: boolean;
}

const formSchema = changePasswordSchema.and(changePasswordForSyncSchema);

export function ChangePasswordForm({ email, action, syncs }: ChangePasswordFormProps) {
  const router = useRouter();
  const [result, setResult] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "", alsoForSync: syncs },
  });

  const onSubmit = handleSubmit(async (values) => {
    setResult(null);
    const outcome = await action(values);
    if (!outcome.ok) {
      // A message under the field says it already; one message, not two.
      if (!applyFieldErrors(setError, outcome.fieldErrors)) setResult({ tone: "error", message: outcome.error });
      return;
    }
    // The change voided every session, this one included: sign this browser in again with the new password.
    const signedIn = await signIn("credentials", { redirect: false, email, password: values.newPassword });
    if (!signedIn?.ok) {
      router.replace("/sign-in");
      return;
    }
    reset({ currentPassword: "", newPassword: "", confirmPassword: "", alsoForSync: syncs });
    const sync = syncs ? (values.alsoForSync ? " Calendar sync uses the new password and keeps running." : " Calendar sync is paused until you enter the new password under Settings → Synchronization.") : "";
    setResult({ tone: "success", message: `Password changed. Other browsers signed in to your account were signed out.${sync}` });
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-md flex-col gap-4">
      <FormAlert message={result?.message} tone={result?.tone} />
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={errors.currentPassword?.message}
        {...register("currentPassword")}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        error={errors.newPassword?.message}
        {...register("newPassword")}
      />
      <TextField
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        error={errors.confirmPassword?.message}
        {...register("confirmPassword")}
      />
      {syncs && (
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input type="checkbox" className="mt-0.5 size-4" {...register("alsoForSync")} />
          <span>
            Also use the new password for calendar sync
            <span className="block text-xs text-slate-600">Otherwise syncing pauses until you confirm the new password under Settings → Synchronization.</span>
          </span>
        </label>
      )}
      <div>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Changing…" : "Change password"}
        </Button>
      </div>
    </form>
  );
}
