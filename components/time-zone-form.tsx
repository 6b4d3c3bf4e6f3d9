"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { ActionResult } from "@/lib/actions/safe-action";
import { timeZoneSettingSchema } from "@/lib/validations/event";
import { Button } from "./button";
import { FormAlert } from "./form-alert";

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
      <div className="flex flex-col gap-1.5">
        <label htmlFor="time-zone" className="text-sm font-medium text-slate-800">
          Time zone
        </label>
        <select id="time-zone" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm" {...register("timeZone")}>
          {(zones.includes(current) ? zones : [current, ...zones]).map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, " ")}
            </option>
          ))}
        </select>
        {errors.timeZone && <p className="text-sm text-red-700">{errors.timeZone.message}</p>}
      </div>
      <Button type="submit" disabled={isSubmitting} className="self-start">
        {isSubmitting ? "Saving…" : "Save time zone"}
      </Button>
    </form>
  );
}
