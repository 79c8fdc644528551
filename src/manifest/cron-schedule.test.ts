import { describe, expect, it } from 'vitest';
import {
  cronScheduleError,
  isKnownTimeZone,
  nextRun,
  parseCronSchedule,
  runsBetween,
} from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const next = (schedule: string, after: string, zone = 'UTC') =>
  iso(nextRun(parseCronSchedule(schedule), at(after), zone));

describe('parseCronSchedule', () => {
  it('reads lists, ranges, steps and names', () => {
    const s = parseCronSchedule('*/15 9-17 1,15 JAN-mar mon-FRI');
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect([...s.daysOfMonth]).toEqual([1, 15]);
    expect([...s.months]).toEqual([1, 2, 3]);
    expect([...s.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect(s.anyDayOfMonth).toBe(false);
  });

  it('reads N/step as N to the end of the field, and 7 as Sunday', () => {
    expect([...parseCronSchedule('50/5 * * * *').minutes]).toEqual([50, 55]);
    expect([...parseCronSchedule('0 0 * * 7').daysOfWeek]).toEqual([0]);
  });

  it('expands the macros', () => {
    expect(parseCronSchedule('@hourly')).toEqual(parseCronSchedule('0 * * * *'));
    expect(parseCronSchedule('@weekly')).toEqual(parseCronSchedule('0 0 * * 0'));
  });

  it.each([
    ['* * * *', 'expected exactly 5 fields, found 4'],
    ['60 * * * *', 'minute: 60 out of range [0, 59]'],
    ['* 5-2 * * *', 'hour: beginning of range (5) beyond end of range (2)'],
    ['*/0 * * * *', 'minute: invalid step "0"'],
    ['* * * FOO *', 'month: invalid value "FOO"'],
    ['@every 5m', '@every is not supported by podrun; write the five cron fields'],
    ['@fortnightly', 'unrecognized descriptor "@fortnightly"'],
  ])('refuses %j: %s', (schedule, message) => {
    expect(cronScheduleError(schedule)).toBe(message);
  });
});

describe('nextRun', () => {
  it('finds the next minute strictly after the time', () => {
    expect(next('* * * * *', '2026-12-03T10:00:00Z')).toBe('2026-12-03T10:01:00.000Z');
    expect(next('* * * * *', '2026-12-03T10:00:30Z')).toBe('2026-12-03T10:01:00.000Z');
    expect(next('*/5 * * * *', '2026-12-03T10:07:00Z')).toBe('2026-12-03T10:10:00.000Z');
  });

  it('crosses days, months and years', () => {
    expect(next('30 2 * * *', '2026-12-03T10:00:00Z')).toBe('2026-12-04T02:30:00.000Z');
    expect(next('@yearly', '2026-12-03T10:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 0 29 2 *', '2026-12-03T10:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('runs a day matching either day field when both are restricted, as cron does', () => {
    // 2026-12-03 is a Thursday: the 5th (Saturday) matches by date, Monday 7th by weekday.
    expect(next('0 0 5 * MON', '2026-12-03T10:00:00Z')).toBe('2026-12-05T00:00:00.000Z');
    expect(next('0 0 5 * MON', '2026-12-05T10:00:00Z')).toBe('2026-12-07T00:00:00.000Z');
    // One of them *: only the other counts.
    expect(next('0 0 * * MON', '2026-12-03T10:00:00Z')).toBe('2026-12-07T00:00:00.000Z');
  });

  it('reads the hours in the time zone, across a daylight-saving change', () => {
    expect(next('0 9 * * *', '2026-12-03T10:00:00Z', 'Europe/Berlin')).toBe(
      '2026-12-04T08:00:00.000Z',
    );
    expect(next('0 9 * * *', '2026-07-03T10:00:00Z', 'Europe/Berlin')).toBe(
      '2026-07-04T07:00:00.000Z',
    );
    // A half-hour zone: 09:00 in Kolkata is 03:30 UTC.
    expect(next('0 9 * * *', '2026-12-03T10:00:00Z', 'Asia/Kolkata')).toBe(
      '2026-12-04T03:30:00.000Z',
    );
  });

  it('steps over no midnight on the days daylight saving makes 23 or 25 hours long', () => {
    // Europe/Berlin moves to summer time on 2026-03-29 and back on 2026-10-25.
    expect(next('30 0 29 * *', '2026-03-01T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-28T23:30:00.000Z',
    );
    expect(next('30 0 30 * *', '2026-03-01T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-29T22:30:00.000Z',
    );
    expect(next('30 0 25 10 *', '2026-10-01T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-10-24T22:30:00.000Z',
    );
    expect(next('30 0 26 10 *', '2026-10-01T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-10-25T23:30:00.000Z',
    );
  });

  it('gives up on a date that never comes', () => {
    expect(next('0 0 30 2 *', '2026-12-03T10:00:00Z')).toBeUndefined();
  });
});

describe('runsBetween', () => {
  it('counts the runs and names the latest', () => {
    const s = parseCronSchedule('*/10 * * * *');
    expect(runsBetween(s, at('2026-12-03T10:00:00Z'), at('2026-12-03T10:35:00Z'), 'UTC')).toEqual({
      latest: at('2026-12-03T10:30:00Z'),
      count: 3,
    });
    expect(runsBetween(s, at('2026-12-03T10:00:00Z'), at('2026-12-03T10:05:00Z'), 'UTC')).toEqual({
      count: 0,
    });
  });

  it('stops counting at the limit and still finds the latest', () => {
    const s = parseCronSchedule('* * * * *');
    const result = runsBetween(s, at('2026-12-01T00:00:00Z'), at('2026-12-03T10:35:30Z'), 'UTC');
    expect(result).toEqual({ latest: at('2026-12-03T10:35:00Z'), count: 100 });
  });
});

describe('isKnownTimeZone', () => {
  it('knows IANA names only', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});
