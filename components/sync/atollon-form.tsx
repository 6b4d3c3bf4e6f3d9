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
import { atollonGrantSchema } from "@/lib/validations/sync-accounts";

export function AtollonForm({ action, submitLabel }: { action: (input: { password: string }) => Promise<ActionResult<null>>; submitLabel: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(atollonGrantSchema), defaultValues: { password: "" } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await action(values);
    if (!result.ok) {
      // A wrong password is said once, under the field; other failures (too many tries) above the form.
      if (!applyFieldErrors(setError, result.fieldErrors)) setMessage(result.error);
      return;
    }
    reset();
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-md flex-col gap-4">
      <FormAlert message={message} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...register("password")} />
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Checking…" : submitLabel}
      </Button>
    </form>
  );
}
