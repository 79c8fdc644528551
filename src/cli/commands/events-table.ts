// The Events section of `describe pod` and `describe svc`, laid out as kubectl does.
import { formatAge, formatTable } from '../output.js';

export interface DescribedEvent {
  time: Date;
  type: string;
  reason: string;
  message: string;
  count?: number;
  firstTime?: Date;
}

/**
 * `Events:` and its table indented by two; with none, `Events:` then `  <none>`
 * (describe pod) or, `noneInline`, `Events: <none>` in the field column (describe svc).
 */
export function eventsSection(events: readonly DescribedEvent[], noneInline = false): string[] {
  if (events.length === 0)
    return noneInline ? ['Events:                   <none>'] : ['Events:', '  <none>'];
  const rows = [
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    ['----', '------', '----', '----', '-------'],
    ...events.map((event) => [
      event.type,
      event.reason,
      // kubectl: the last time, and with repeats "(x3 over 5m)" since the first.
      event.count && event.count > 1
        ? `${formatAge(event.time)} (x${event.count} over ${formatAge(event.firstTime ?? event.time)})`
        : formatAge(event.time),
      'podrun',
      event.message,
    ]),
  ];
  return [
    'Events:',
    ...formatTable(rows)
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
  ];
}
