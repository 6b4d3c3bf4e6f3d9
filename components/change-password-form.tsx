"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { changePasswordSchema, PASSWORD_MIN_LENGTH, type ChangePasswordInput } from "@/lib/validations/auth";
import { applyFieldErrors } from "./apply-field-errors";
import { Button } from "./button";
import { FormAlert } from "./form-alert";
import { TextField } from "./text-field";

interface ChangePasswordFormProps {
  email: string;
  action: (input: ChangePasswordInput) => Promise<ActionResult<null>>;
}

export function ChangePasswordForm({ email, action }: ChangePasswordFormProps) {
  const router = useRouter();
  const [result, setResult] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
  });

  const onSubmit = handleSubmit(async (values) => {
    setResult(null);
    const outcome = await action(values);
    if (!outcome.ok) {
      setResult({ tone: "error", message: outcome.error });
      applyFieldErrors(setError, outcome.fieldErrors);
      return;
    }
    // The change voided every session, this one included: sign this browser in again with the new password.
    const signedIn = await signIn("credentials", { redirect: false, email, password: values.newPassword });
    if (!signedIn?.ok) {
      router.replace("/sign-in");
      return;
    }
    reset();
    setResult({ tone: "success", message: "Password changed. Other browsers signed in to your account were signed out." });
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
      <div>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Changing…" : "Change password"}
        </Button>
      </div>
    </form>
  );
}
