"use client";

import { useState } from "react";
import { DateField } from "@/components/date-field";

/**
 * "Go to date" in the calendar's toolbar. A day picked from its calendar is gone to at once; a typed
 * one when it is complete and the person presses Enter or leaves the field, so that the year's
 * first digit (2 of 2027) does not send the calendar to the year 2.
 */
export function DateJump({ anchor, onGo }: { anchor: string; onGo: (date: string) => void }) {
  // What the person typed, if anything, since the calendar last moved (by this field or any other way):
  // only an edit is gone to, never a date the calendar has since left.
  const [draft, setDraft] = useState<{ anchor: string; date: string | null }>({ anchor, date: null });
  if (draft.anchor !== anchor) setDraft({ anchor, date: null });
  const typed = draft.anchor === anchor ? draft.date : null;
  const go = (date: string | null) => {
    if (date && date !== anchor) onGo(date);
  };
  return (
    // The segments keep their keys to themselves: Enter is heard on its way down to them.
    <div onKeyDownCapture={(event) => event.key === "Enter" && go(typed)}>
      <DateField
        label="Go to date"
        inToolbar
        value={typed ?? anchor}
        onChange={(date, { picked }) => {
          setDraft({ anchor, date });
          if (picked) go(date);
        }}
        onBlur={() => go(typed)}
      />
    </div>
  );
}
