import { TimeZoneSchema } from './time-zone';
import { loadYamlConfig } from './yaml-file';
import { z } from 'zod';
import { localizedText } from './localized';

/** Text given in every supported language (az, ru, en required; see localized.ts). */
const localized = localizedText(z.string().min(1));
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const range = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM')
  .refine((r) => r.slice(0, 5) < r.slice(6), 'must end after it starts');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * A programme office where first meetings take place: where it is, when it is open, how long
 * a meeting lasts and how many people one time slot takes.
 */
export const OfficeSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  name: localized,
  /**
   * A short name for the office's button when people choose between offices (a city, a
   * district: about 30 characters at most, or a small phone cuts it with "…"); the full name and
   * address are said in the message above the buttons. Without it, the button shows the full name.
   */
  shortName: localized.optional(),
  /** The address as said to people (street, building, city), in every language. */
  address: localized,
  /** A place people know nearby ("opposite the metro station …"); or listed under `unknown`. */
  landmark: localized.optional(),
  /**
   * Parts of the address the programme's documents do not give: marked, never invented. A
   * `location` listed here is a stand-in (the city), so no map point is sent for it.
   */
  unknown: z.array(z.enum(['street', 'building', 'landmark', 'location'])).default([]),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }),
  timeZone: TimeZoneSchema.default('Asia/Baku'),
  /** Opening hours per weekday, e.g. mon: ["09:00-13:00", "14:00-18:00"]; missing day = closed. */
  hours: z.partialRecord(z.enum(WEEKDAYS), z.array(range)),
  slotMinutes: z.number().int().min(10).max(240),
  /** How many people one slot takes (case workers on duty). */
  capacity: z.number().int().min(1).max(50),
  /** Holidays and other closed dates, YYYY-MM-DD. */
  closed: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
  /** Earliest booking from now, so nobody books a meeting that starts in ten minutes. */
  minLeadMinutes: z.number().int().min(0).default(120),
  /** How far ahead people may book. */
  horizonDays: z.number().int().min(1).max(180).default(30),
});
export type Office = z.infer<typeof OfficeSchema>;

/** When reminders go out, and the hours in which the bot stays silent. */
export const RemindersSchema = z.object({
  /** Minutes before the meeting: 1440 = 24 h, 120 = 2 h. */
  beforeMinutes: z.array(z.number().int().min(5)).default([1440, 120]),
  quietHours: z.object({ from: hhmm, to: hhmm }).default({ from: '21:00', to: '09:00' }),
  /** A person who stopped half-way through the intake gets one nudge after this long. */
  nudgeAfterMinutes: z.number().int().min(5).default(1440),
});
export type RemindersConfig = z.infer<typeof RemindersSchema>;

/** `config/offices.yaml`: the offices (at least one, unique ids) and the reminder settings. */
export const OfficesFileSchema = z.object({
  offices: z
    .array(OfficeSchema)
    .min(1)
    .refine((list) => new Set(list.map((o) => o.id)).size === list.length, 'office ids must be unique')
    // People must be able to find the office: a landmark, or an honest "unknown" in the file.
    .refine((list) => list.every((o) => o.landmark !== undefined || o.unknown.includes('landmark')), 'each office needs a landmark, or "landmark" listed under unknown'),
  reminders: RemindersSchema.default(RemindersSchema.parse({})),
});
export type OfficesFile = z.infer<typeof OfficesFileSchema>;

/** Reads and checks the offices file; a bad file stops start-up with its path and the field. */
export function loadOffices(file: string): OfficesFile {
  return loadYamlConfig(file, OfficesFileSchema);
}
