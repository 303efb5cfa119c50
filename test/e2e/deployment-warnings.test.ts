import { join } from 'node:path';
import pino from 'pino';
import { loadOffices, type OfficesFile } from '../../src/config/offices';
import { testOffice } from '../helpers/office';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';

/**
 * A bot deployed in a hurry with BOT_TOKEN alone takes intakes that reach nobody: no alert (nor
 * a crisis's urgent alert) without CASEWORKER_CHAT_ID, nobody able to add staff without an admin,
 * no workspace in production without PUBLIC_URL. Start-up says so, one warning line each,
 * naming the variable; a deployment that has them hears nothing of it.
 */
describe('start-up warnings of a bot deployed without the staff settings', () => {
  let api: FakeBotApi;
  let korpu: TestKorpu | undefined;
  beforeAll(async () => {
    api = await FakeBotApi.start();
  });
  afterEach(async () => {
    await korpu?.stop();
    korpu = undefined;
  });
  afterAll(async () => {
    await api.close();
  });

  async function warningsOf(env: Record<string, string>, offices?: OfficesFile): Promise<string[]> {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    korpu = await startTestKorpu({ api, logger, env, ...(offices ? { offices } : {}) });
    await korpu.start();
    return lines.filter((l) => l.level === 40).map((l) => l.msg);
  }

  it('names CASEWORKER_CHAT_ID and ADMIN_TELEGRAM_IDS when they are missing', async () => {
    const warnings = await warningsOf({});
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^CASEWORKER_CHAT_ID is not set: no case worker is told of a new intake or a crisis/), expect.stringMatching(/^ADMIN_TELEGRAM_IDS is not set and the roster has no admin: nobody can add case workers/)]));
  });

  it('refuses to start with a public case workers\' chat, which anyone could join to read the alerts', async () => {
    api.chatInfo.set('-1001234567890', { username: 'korpu_caseworkers' } as never);
    try {
      await expect(warningsOf({ CASEWORKER_CHAT_ID: '-1001234567890', ADMIN_TELEGRAM_IDS: '111' })).rejects.toThrow(/^CASEWORKER_CHAT_ID: the chat is public \(@korpu_caseworkers\)/);
    } finally {
      api.chatInfo.delete('-1001234567890');
    }
  });

  it('warns when the bot cannot see the case workers\' chat, or may not ban someone taken off the roster from it', async () => {
    api.chatInfo.set('-1009999999999', null);
    api.chatRights.set('-1001234567890', { status: 'member' });
    try {
      expect((await warningsOf({ CASEWORKER_CHAT_ID: '-1009999999999', ADMIN_TELEGRAM_IDS: '111' })).filter((w) => w.startsWith('CASEWORKER_CHAT_ID'))).toEqual([expect.stringMatching(/^CASEWORKER_CHAT_ID: Telegram does not show the chat to the bot \(Bad Request: chat not found\)/)]);
      await korpu?.stop();
      korpu = undefined;
      expect((await warningsOf({ CASEWORKER_CHAT_ID: '-1001234567890', ADMIN_TELEGRAM_IDS: '111' })).filter((w) => w.startsWith('CASEWORKER_CHAT_ID'))).toEqual([expect.stringMatching(/^CASEWORKER_CHAT_ID: the bot is not an admin of the chat allowed to ban users/)]);
    } finally {
      api.chatInfo.delete('-1009999999999');
      api.chatRights.delete('-1001234567890');
    }
  });

  it('says nothing of them when they are set', async () => {
    const warnings = await warningsOf({ CASEWORKER_CHAT_ID: '-1001234567890', ADMIN_TELEGRAM_IDS: '111' });
    expect(warnings.filter((w) => /CASEWORKER_CHAT_ID|ADMIN_TELEGRAM_IDS|PUBLIC_URL/.test(w))).toEqual([]);
    // The shipped office alone: nobody is asked to choose, nothing said of its button.
    expect(warnings.filter((w) => w.startsWith('offices:'))).toEqual([]);
  });

  it('names a second office whose button would be cut on a small phone (no shortName)', async () => {
    const shipped = loadOffices(join(__dirname, '..', '..', 'config', 'offices.yaml'));
    const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə şəhər regional miqrasiya baş idarəsinin qəbul şöbəsi', ru: 'Гянджинское городское региональное главное управление миграции', en: 'Ganja City Regional Main Migration Department' } });
    const warnings = await warningsOf({ CASEWORKER_CHAT_ID: '-1001234567890', ADMIN_TELEGRAM_IDS: '111' }, { ...shipped, offices: [...shipped.offices, ganja] });
    expect(warnings.filter((w) => w.startsWith('offices:'))).toEqual([expect.stringMatching(/^offices: the button of office "ganja" shows its name \(it has no shortName\) cut/)]);
  });
});
