import type { z } from 'zod';
import { OfficeSchema, OfficesFileSchema, RemindersSchema, WEEKDAYS, type Office, type OfficesFile, type RemindersConfig } from '../../src/config/offices';

/**
 * A test office in Baku: weekdays 09:00–13:00 and 14:00–18:00, 60-minute slots, 2 places.
 * Overrides are written as in the file (texts in az, ru and en are enough).
 */
export function testOffice(overrides: Partial<z.input<typeof OfficeSchema>> = {}): Office {
  return OfficeSchema.parse({
    id: 'baku',
    name: { az: 'Bakı ofisi', ru: 'Бакинский офис', en: 'Baku office' },
    address: { az: 'Bakı, Test küçəsi 1', ru: 'Баку, Тестовая ул. 1', en: 'Baku, 1 Test street' },
    landmark: { az: 'Test metrosunun yanında', ru: 'рядом с метро «Тест»', en: 'next to Test metro station' },
    location: { latitude: 40.4093, longitude: 49.8671 },
    hours: { mon: ['09:00-13:00', '14:00-18:00'], tue: ['09:00-13:00', '14:00-18:00'], wed: ['09:00-13:00', '14:00-18:00'], thu: ['09:00-13:00', '14:00-18:00'], fri: ['09:00-13:00', '14:00-18:00'] },
    slotMinutes: 60,
    capacity: 2,
    closed: ['2026-11-26'],
    minLeadMinutes: 120,
    horizonDays: 14,
    ...overrides,
  });
}

/**
 * An offices file with one test office open every day `hours` (default 09:00–18:00), for tests
 * that book through the bot: `office` overrides the office's fields, `reminders` the settings.
 */
export function testOfficesFile(o: { hours?: string; office?: Partial<z.input<typeof OfficeSchema>>; reminders?: Partial<RemindersConfig> } = {}): OfficesFile {
  const everyDay = Object.fromEntries(WEEKDAYS.map((d) => [d, [o.hours ?? '09:00-18:00']]));
  return OfficesFileSchema.parse({
    offices: [testOffice({ hours: everyDay, closed: [], ...o.office })],
    ...(o.reminders ? { reminders: RemindersSchema.parse(o.reminders) } : {}),
  });
}
