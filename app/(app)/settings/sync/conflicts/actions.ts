"use server";

import { revalidatePath } from "next/cache";
import { userAction } from "@/lib/actions/safe-action";
import { chooseSettlement, undoSettlement } from "@/lib/sync/conflicts/manage";
import { conflictIdSchema, settleConflictSchema } from "@/lib/validations/sync-accounts";

export const settleConflictAction = userAction("settle-conflict", settleConflictSchema, async ({ conflictId, choice }, { user }) => {
  await chooseSettlement(user.id, conflictId, choice);
  revalidatePath("/", "layout");
  return null;
});

export const undoConflictAction = userAction("undo-conflict", conflictIdSchema, async ({ conflictId }, { user }) => {
  await undoSettlement(user.id, conflictId);
  revalidatePath("/", "layout");
  return null;
});
