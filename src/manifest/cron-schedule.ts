// A CronJob's `spec.schedule` as the CronJob controller reads it (the standard five
// fields of cron, or a @yearly/@monthly/@weekly/@daily/@hourly macro), and the times it
// names in a time zone. Pure: the manifest checks use parseCronSchedule for the error
// at the line; the controller asks for the run times around its clock.
//
// Fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week
// 0-6 or SUN-SAT (7 is Sunday too). Each is a comma list of `*`, `N`, `N-M`, with an
// optional `/step` (`N/step` runs from N to the field's end); `?` is `*` in the two day
// fields. When both day fields are restricted, a day matching either runs (cron's rule);
// when one is `*`, only the other counts.

export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** The day-of-month field was `*` or `?`. */
  anyDayOfMonth: boolean;
  /** The day-of-week field was `*` or `?`. */
  anyDayOfWeek: boolean;
}

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRange {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** The first name stands for this number (1 for months). */
  namesFrom?: number;
}

const FIELDS: readonly FieldRange[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

/** The reason `text` is not a schedule, as one phrase; undefined when it is one. */
export function cronScheduleError(text: string): string | undefined {
  try {
    parseCronSchedule(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The schedule `text` names; throws an Error whose message says which field is wrong. */
export function parseCronSchedule(text: string): CronSchedule {
  let source = text.trim();
  if (source.startsWith('@')) {
    const macro = MACROS[source.toLowerCase()];
    if (!macro) {
      throw new Error(
        source.toLowerCase().startsWith('@every')
          ? '@every is not supported by podrun; write the five cron fields'
          : `unrecognized descriptor ${JSON.stringify(source)}`,
      );
    }
    source = macro;
  }
  const parts = source.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((part, i) =>
    parseField(part, FIELDS[i]!),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const any = (part: string) => part.startsWith('*') || part.startsWith('?');
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    anyDayOfMonth: any(parts[2]!),
    anyDayOfWeek: any(parts[4]!),
  };
}

function parseField(text: string, field: FieldRange): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined || range === undefined || range === '')
      throw new Error(`${field.name}: invalid item ${JSON.stringify(item)}`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        throw new Error(`${field.name}: invalid step ${JSON.stringify(stepText)}`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    const isDayField = field.name.startsWith('day');
    if (range === '*' || (range === '?' && isDayField)) {
      from = field.min;
      to = field.name === 'day of week' ? 6 : field.max;
    } else {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === undefined)
        throw new Error(`${field.name}: invalid range ${JSON.stringify(range)}`);
      from = value(a, field);
      // `N/step` runs to the field's end, as robfig/cron (the controller's parser) reads it.
      to = b === undefined ? (stepText === undefined ? from : field.max) : value(b, field);
      if (from > to)
        throw new Error(`${field.name}: beginning of range (${from}) beyond end of range (${to})`);
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

function value(text: string, field: FieldRange): number {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (field.namesFrom ?? 0);
  if (!/^\d+$/.test(text)) throw new Error(`${field.name}: invalid value ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < field.min || n > field.max)
    throw new Error(`${field.name}: ${n} out of range [${field.min}, ${field.max}]`);
  return n;
}

/** Whether `timeZone` is an IANA zone name this Node knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};

/** The wall clock at `ms` in `timeZone`. */
function wallClock(ms: number, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

function dayMatches(schedule: CronSchedule, clock: WallClock): boolean {
  const dom = schedule.daysOfMonth.has(clock.day);
  const dow = schedule.daysOfWeek.has(clock.weekday);
  if (schedule.anyDayOfMonth || schedule.anyDayOfWeek) return dom && dow;
  return dom || dow;
}

const MINUTE = 60_000;
/** robfig/cron gives up after five years: a schedule such as `0 0 30 2 *` never runs. */
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 60 * MINUTE;

/**
 * The first run strictly after `after` (ms), or undefined when none comes within five
 * years. Walks days while the day is wrong, hours while the hour is, then minutes, so
 * even a schedule that never runs costs a few thousand clock reads.
 */
export function nextRun(
  schedule: CronSchedule,
  after: number,
  timeZone: string,
): number | undefined {
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const limit = after + SEARCH_LIMIT_MS;
  while (t <= limit) {
    const clock = wallClock(t, timeZone);
    if (!schedule.months.has(clock.month) || !dayMatches(schedule, clock)) {
      // Towards the next day: to 23:00 (22:00 or 00:00 on a day daylight saving makes
      // 25 or 23 hours long), then an hour at a time, so no midnight is stepped over.
      t += (Math.max(0, 22 - clock.hour) * 60 + 60 - clock.minute) * MINUTE;
      continue;
    }
    if (!schedule.hours.has(clock.hour)) {
      t += (60 - clock.minute) * MINUTE; // to the next wall-clock hour
      continue;
    }
    if (schedule.minutes.has(clock.minute)) return t;
    t += MINUTE;
  }
  return undefined;
}

/**
 * The runs in (`after`, `until`], counted up to `limit` (the controller stops counting
 * missed runs at 100): the most recent and how many there were.
 */
export function runsBetween(
  schedule: CronSchedule,
  after: number,
  until: number,
  timeZone: string,
  limit = 100,
): { latest?: number; count: number } {
  let latest: number | undefined;
  let count = 0;
  for (let t = nextRun(schedule, after, timeZone); t !== undefined && t <= until; ) {
    latest = t;
    count++;
    if (count >= limit) {
      // Too many to walk one by one: the latest is found walking back from `until`.
      latest = latestRunAtOrBefore(schedule, until, after, timeZone) ?? latest;
      break;
    }
    t = nextRun(schedule, t, timeZone);
  }
  return { latest, count };
}

/** The last run in (`after`, `until`], walking back a minute at a time (at most a day's worth per step). */
function latestRunAtOrBefore(
  schedule: CronSchedule,
  until: number,
  after: number,
  timeZone: string,
): number | undefined {
  for (let t = Math.floor(until / MINUTE) * MINUTE; t > after; t -= MINUTE) {
    const clock = wallClock(t, timeZone);
    if (
      schedule.months.has(clock.month) &&
      dayMatches(schedule, clock) &&
      schedule.hours.has(clock.hour) &&
      schedule.minutes.has(clock.minute)
    )
      return t;
  }
  return undefined;
}

/** The zone a CronJob without `timeZone` runs in: the controller's (here the supervisor's) local one. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
