"use client";

import { useState } from "react";
import { DateField } from "@/components/date-field";

/**
 * "Go to date" in the calendar's toolbar. A day picked from its calendar is gone to at once; a typed
 * one when it is complete and the person presses Enter or leaves the field, so that the year's
 * first digit (2 of 2027) does not send the calendar to the year 2.
 */
export function DateJump({ anchor, onGo }: { anchor: string; onGo: (date: string) => void }) {
  const [draft, setDraft] = useState(anchor);
  const go = (date: string) => {
    if (date && date !== anchor) onGo(date);
  };
  return (
    // The segments keep their keys to themselves: Enter is heard on its way down to them.
    <div onKeyDownCapture={(event) => event.key === "Enter" && go(draft)}>
      <DateField
        label="Go to date"
        inToolbar
        value={draft}
        onChange={(date, { picked }) => {
          setDraft(date);
          if (picked) go(date);
        }}
        onBlur={() => go(draft)}
      />
    </div>
  );
}
