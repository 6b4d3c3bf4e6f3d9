import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

/** Puts the server's per-field messages under the matching inputs. */
export function applyFieldErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  fieldErrors: Record<string, string> | undefined,
): void {
  for (const [field, message] of Object.entries(fieldErrors ?? {})) {
    setError(field as Path<T>, { type: "server", message });
  }
}
