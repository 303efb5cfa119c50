import pino from 'pino';
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

  async function warningsOf(env: Record<string, string>): Promise<string[]> {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    korpu = await startTestKorpu({ api, logger, env });
    await korpu.start();
    return lines.filter((l) => l.level === 40).map((l) => l.msg);
  }

  it('names CASEWORKER_CHAT_ID and ADMIN_TELEGRAM_IDS when they are missing', async () => {
    const warnings = await warningsOf({});
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^CASEWORKER_CHAT_ID is not set: no case worker is told of a new intake or a crisis/), expect.stringMatching(/^ADMIN_TELEGRAM_IDS is not set and the roster has no admin: nobody can add case workers/)]));
  });

  it('says nothing of them when they are set', async () => {
    const warnings = await warningsOf({ CASEWORKER_CHAT_ID: '-1001234567890', ADMIN_TELEGRAM_IDS: '111' });
    expect(warnings.filter((w) => /CASEWORKER_CHAT_ID|ADMIN_TELEGRAM_IDS|PUBLIC_URL/.test(w))).toEqual([]);
  });
});
