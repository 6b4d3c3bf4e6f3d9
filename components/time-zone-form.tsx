"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { timeZoneSettingSchema } from "@/lib/validations/event";
import { Button } from "./button";
import { FormAlert } from "./form-alert";
import { SelectField } from "./select-field";

const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function TimeZoneForm({ current, action }: { current: string; action: (input: { timeZone: string }) => Promise<ActionResult<null>> }) {
  const router = useRouter();
  const [result, setResult] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(timeZoneSettingSchema), defaultValues: { timeZone: current } });

  const onSubmit = handleSubmit(async (values) => {
    setResult(null);
    const outcome = await action(values);
    if (!outcome.ok) return setResult({ tone: "error", message: outcome.error });
    setResult({ tone: "success", message: `The calendar now shows times in ${values.timeZone.replace(/_/g, " ")}.` });
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-md flex-col gap-4">
      <FormAlert message={result?.message} tone={result?.tone} />
      <SelectField
        label="Time zone"
        options={(zones.includes(current) ? zones : [current, ...zones]).map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))}
        error={errors.timeZone?.message}
        {...register("timeZone")}
      />
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Saving…" : "Save time zone"}
      </Button>
    </form>
  );
}
