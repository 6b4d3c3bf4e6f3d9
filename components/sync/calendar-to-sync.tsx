/** A calendar a sync account can write, as a provider lists it. */
export type CalendarChoice = { id: string; name: string; primary: boolean };

/** "Calendar to sync" on the Create forms: the calendars the account can write, its default marked. */
export function CalendarToSync({ calendars, value, onChange }: { calendars: CalendarChoice[]; value: string; onChange: (id: string) => void }) {
  return (
    <label className="flex flex-col gap-1.5 text-sm">
      <span className="font-medium text-slate-800">Calendar to sync</span>
      <select className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm" value={value} onChange={(event) => onChange(event.target.value)}>
        {calendars.map((calendar) => (
          <option key={calendar.id} value={calendar.id}>
            {calendar.name}
            {calendar.primary ? " (default)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
