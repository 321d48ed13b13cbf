/**
 * Reminders are deadlines too: one per offset before the deadline they announce, kind
 * `<family>@<hours>h` (e.g. `project_milestone.due_reminder@168h`). One `@OnDeadline(family)`
 * handler serves every offset; the dispatcher finds it by the family (the part before `@`).
 */
const PARAMETER = '@';

/** The handler family of a deadline kind: `a.b@24h` → `a.b`; a kind without parameter is its own. */
export function kindFamily(kind: string): string {
  const at = kind.indexOf(PARAMETER);
  return at < 0 ? kind : kind.slice(0, at);
}

/** The kind of the reminder `hours` before: `reminderKind('x.due_reminder', 24)` → `x.due_reminder@24h`. */
export function reminderKind(family: string, hours: number): string {
  if (family.includes(PARAMETER)) throw new Error(`A reminder family has no "${PARAMETER}": ${family}`);
  if (!Number.isInteger(hours) || hours <= 0)
    throw new Error(`A reminder offset is a positive whole hour: ${hours}`);
  return `${family}${PARAMETER}${hours}h`;
}

/** The offset of a reminder kind in hours (`x@24h` → 24); null for a kind that is not a reminder. */
export function reminderHours(kind: string): number | null {
  const match = /@([1-9][0-9]*)h$/.exec(kind);
  return match ? Number(match[1]) : null;
}

/** The offset of a reminder deadline a handler of its family received; a kind without one is a bug. */
export function hoursBefore(deadline: { kind: string }): number {
  const hours = reminderHours(deadline.kind);
  if (hours === null) throw new Error(`Not a reminder kind: ${deadline.kind}`);
  return hours;
}

const HOUR_MS = 3_600_000;

/** When the reminder `hours` before `dueAt` is due. */
export function reminderDueAt(dueAt: Date, hours: number): Date {
  return new Date(dueAt.getTime() - hours * HOUR_MS);
}
