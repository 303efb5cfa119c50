import { createEvent } from 'ics';
import type { Office } from '../config/offices';
import type { Lang } from '../core/lang';

/**
 * An .ics calendar file for a booked meeting, so the person can add it to their phone's
 * calendar in one tap. `title` and `description` come translated from the caller.
 */
export function meetingIcs(o: { office: Office; start: Date; end: Date; lang: Lang; uid: string; title: string; description: string }): string {
  const { error, value } = createEvent({
    uid: o.uid,
    start: o.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: o.end.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: o.title,
    description: o.description,
    location: `${o.office.name[o.lang]}, ${o.office.address[o.lang]}`,
    geo: { lat: o.office.location.latitude, lon: o.office.location.longitude },
    status: 'CONFIRMED',
    productId: 'korpu/ics',
    alarms: [{ action: 'display', description: o.title, trigger: { hours: 2, before: true } }],
  });
  if (error || !value) throw new Error(`cannot build the calendar file: ${error?.message ?? 'no output'}`);
  return value;
}
