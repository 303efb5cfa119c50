import express from 'express';
import type { Redis as RedisClient } from 'ioredis';
import { Redis } from 'ioredis';
import { Scenes, session, Telegraf, type SessionStore } from 'telegraf';
import { BaselineBooking } from '../booking';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { CONTACT_KEYBOARD, LANGUAGES, MENU, OPTIONS, REASONS, YES_NO, buttons, en, parseBirthDate, parsePhone, q3Keyboard, say, skip } from './texts';
import { WEBHOOK_PATH, WEBHOOK_SECRET, type BenchBot, type BenchBotOptions } from './types';

/** What the wizard keeps between steps (`ctx.wizard.state`): the answers so far, in clear. */
interface IntakeState {
  lang?: string;
  a: Record<string, string | string[]>;
  /** Options ticked in Q3 so far. */
  sel?: string[];
}

type Ctx = Scenes.WizardContext;

/** Where telegraf's session middleware keeps a chat's session (`<from>:<chat>` under this prefix). */
const SESSION_PREFIX = 'telegraf:';
/** The grammY baselines' session lifetime (storage-redis `ttl`), so every bot writes `SET … EX`. */
const SESSION_TTL_SECONDS = 180 * 86_400;

/**
 * telegraf's `session({ store })` store on Redis, doing what `@telegraf/session/redis` does
 * (GET + JSON.parse, SET of the JSON, DEL) on the bench's ioredis connection, with the grammY
 * baselines' TTL. `@telegraf/session/redis` itself cannot be installed beside BullMQ: it
 * requires node-redis 4 while BullMQ 6 declares node-redis ≥ 5 (npm refuses the tree), and on
 * node-redis the harness could not count the bot's round trips.
 */
function redisSessionStore<T>(redis: RedisClient): SessionStore<T> {
  return {
    async get(key: string) {
      const value = await redis.get(SESSION_PREFIX + key);
      return value ? (JSON.parse(value) as T) : undefined;
    },
    set: (key: string, value: T) => redis.set(SESSION_PREFIX + key, JSON.stringify(value), 'EX', SESSION_TTL_SECONDS),
    delete: (key: string) => redis.del(SESSION_PREFIX + key),
  };
}

/**
 * The same questionnaire the way telegraf bots are usually written: a `Scenes.WizardScene`
 * (one handler per step; each takes the answer to the question the previous step asked,
 * checks it, asks the next question and moves the cursor), entered by /start, with the
 * scene's cursor and state in telegraf's session in Redis (one GET and one SET per update).
 * Texts, buttons, answer checks and the booking (Körpü's Lua script, ../booking.ts) are the
 * session baseline's. Every Bot API call goes to the fake Bot API, as with the other bots:
 * telegraf's webhook reply (answering one call inside the webhook's HTTP response) is off.
 */
export async function telegrafBot(o: BenchBotOptions): Promise<BenchBot> {
  if (o.workload !== 'intake') throw new Error('the telegraf baseline runs the intake only');
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
  const bot = new Telegraf<Ctx>(BENCH_TOKEN, { telegram: { apiRoot: o.apiRoot, webhookReply: false } });
  bot.botInfo = BENCH_BOT_INFO;
  let errors = 0;
  let completed = 0;
  const booking = new BaselineBooking(redis, 'telegraf:');

  const state = (ctx: Ctx) => ctx.wizard.state as IntakeState;

  /**
   * The value of a tap on a button of question `node`; undefined (after telling the person)
   * for taps on older questions and for messages where a tap is expected.
   */
  async function tap(ctx: Ctx, node: string): Promise<string | undefined> {
    const q = ctx.callbackQuery;
    if (!q || !('data' in q)) {
      await ctx.reply(en('common:reprompt.choose'));
      return undefined;
    }
    await ctx.answerCbQuery();
    const [, tapped, value] = q.data.split(':') as [string, string, string];
    if (tapped === node) return value;
    await ctx.reply(en('common:notice.stale_button'));
    return undefined;
  }

  /** A typed answer (1–300 characters); undefined (after asking again) otherwise. */
  async function typed(ctx: Ctx): Promise<string | undefined> {
    if (ctx.callbackQuery) {
      await ctx.answerCbQuery();
      await ctx.reply(en('common:notice.stale_button'));
      return undefined;
    }
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text.trim() : '';
    if (text && text.length <= 300) return text;
    await ctx.reply(en('common:reprompt.empty'));
    return undefined;
  }

  const intake = new Scenes.WizardScene<Ctx>(
    'intake',
    async (ctx) => {
      // The wizard's state lives in the scene's session; a fresh intake starts with no answers.
      state(ctx).a = {};
      await ctx.reply(en('welcome:choose_language'), { reply_markup: buttons('language', LANGUAGES) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'language');
      if (!value) return;
      state(ctx).lang = value;
      await ctx.reply(say('common:notice.language_set', 'welcome:intro', 'welcome:services_short', 'welcome:free_voluntary', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'menu');
      if (!value) return;
      if (value !== 'eligibility') return void (await ctx.reply(say('welcome:about.what', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) }));
      await ctx.reply(say('diagnosis:intro', 'diagnosis:age.prompt'), { reply_markup: buttons('age', [['adult', 'diagnosis:age.adult'], ['minor', 'diagnosis:age.minor']]) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'age');
      if (!value) return;
      state(ctx).a.age = value;
      if (value !== 'adult') {
        await ctx.reply(en('diagnosis:minor.bye'));
        return ctx.scene.leave();
      }
      await ctx.reply(en('diagnosis:q1.prompt'), { reply_markup: buttons('q1', YES_NO) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'q1');
      if (!value) return;
      state(ctx).a.q1 = value;
      await ctx.reply(en('diagnosis:q2.prompt'), { reply_markup: buttons('q2', YES_NO) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'q2');
      if (!value) return;
      state(ctx).a.q2 = value;
      await ctx.reply(say('diagnosis:q3.prompt', 'common:hint.multi_choice'), { reply_markup: q3Keyboard([]) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'q3');
      if (!value) return;
      const s = state(ctx);
      const sel = s.sel ?? [];
      if (value !== '__done') {
        s.sel = sel.includes(value) ? sel.filter((v) => v !== value) : [...sel, value];
        return void (await ctx.editMessageText(say('diagnosis:q3.prompt', 'common:hint.multi_choice'), { reply_markup: q3Keyboard(s.sel) }));
      }
      s.a.q3 = sel;
      delete s.sel;
      const eligible = s.a.q1 === 'yes' && s.a.q2 === 'yes' && sel.length > 0;
      s.a.outcome = eligible ? 'likely_eligible' : 'not_eligible';
      if (!eligible) {
        await ctx.reply(say('diagnosis:result.not_eligible', 'diagnosis:result.not_final'));
        return ctx.scene.leave();
      }
      await ctx.reply(say('diagnosis:result.likely', 'diagnosis:result.provisional', 'diagnosis:result.continue'), { reply_markup: buttons('continue', YES_NO) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'continue');
      if (!value) return;
      if (value !== 'yes') {
        await ctx.reply(en('diagnosis:result.later'));
        return ctx.scene.leave();
      }
      await ctx.reply(say('interview:intro', 'interview:counselling', 'interview:free', 'interview:services', 'interview:invitation', 'interview:voluntary', 'interview:meet.prompt'), { reply_markup: buttons('meet', YES_NO) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'meet');
      if (!value) return;
      if (value !== 'yes') {
        await ctx.reply(en('interview:meet.not_now'));
        return ctx.scene.leave();
      }
      await ctx.reply(say('consent:notice', 'consent:statement'), { reply_markup: buttons('statement', [['full_text', 'consent:button.full_text'], ['continue', 'consent:button.continue']]) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'statement');
      if (!value) return;
      if (value === 'full_text') return void (await ctx.reply(en('consent:full_text')));
      await ctx.reply(en('consent:option.prompt'), { reply_markup: buttons('option', OPTIONS) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'option');
      if (!value) return;
      state(ctx).a.option = value;
      await ctx.reply(say('consent:rights.withdraw', 'consent:rights.correct', 'consent:agree.prompt'), { reply_markup: buttons('agree', [['yes', 'consent:agree.yes'], ['no', 'consent:agree.no']]) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'agree');
      if (!value) return;
      const s = state(ctx);
      s.a.consent = value === 'yes' ? String(s.a.option) : 'declined';
      s.a.consent_at = new Date().toISOString();
      if (value !== 'yes') {
        await ctx.reply(en('consent:declined'));
        return ctx.scene.leave();
      }
      await ctx.reply(say('consent:thanks', 'interview:first_name.prompt'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx);
      if (!text) return;
      state(ctx).a.first_name = text;
      await ctx.reply(en('interview:last_name.prompt'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx);
      if (!text) return;
      state(ctx).a.last_name = text;
      await ctx.reply(say('interview:birth_date.prompt', 'common:hint.date'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx);
      if (!text) return;
      const date = parseBirthDate(text);
      if (!date) return void (await ctx.reply(en('common:reprompt.date')));
      state(ctx).a.birth_date = date;
      await ctx.reply(en('interview:country.prompt'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx);
      if (!text) return;
      state(ctx).a.country = text;
      await ctx.reply(en('interview:reason.prompt'), { reply_markup: buttons('reason', REASONS) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'reason');
      if (!value) return;
      state(ctx).a.reason = value;
      await ctx.reply(en('interview:phone.prompt'), { reply_markup: CONTACT_KEYBOARD });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const m = ctx.message;
      if (!m) return void (await ctx.reply(en('common:reprompt.phone')));
      const own = 'contact' in m && m.contact.user_id === ctx.from?.id ? m.contact.phone_number : undefined;
      const phone = parsePhone(own ?? ('text' in m ? m.text : ''));
      if (!phone) return void (await ctx.reply(en('common:reprompt.phone')));
      state(ctx).a.phone = phone;
      await ctx.reply(en('interview:address.prompt'), { reply_markup: { remove_keyboard: true } });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx);
      if (!text) return;
      state(ctx).a.address = text;
      await ctx.reply(en('interview:questions.prompt'), { reply_markup: skip('questions') });
      return ctx.wizard.next();
    },
    async (ctx) => {
      let text: string | undefined = '';
      if (ctx.callbackQuery) {
        if ((await tap(ctx, 'questions')) !== '__skip') return;
      } else {
        text = await typed(ctx);
        if (!text) return;
        state(ctx).a.questions = text;
      }
      await ctx.reply(en('booking:pick.prompt_first'), { reply_markup: await booking.keyboard(new Date()) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'pick_time');
      if (!value) return;
      if (value === 'none') {
        completed++;
        await ctx.reply(say('booking:no_time', 'interview:closing.thanks', 'interview:closing.look_forward'));
        return ctx.scene.leave();
      }
      const now = new Date();
      const { outcome, slot } = await booking.book(value, `tg${ctx.chat!.id}`, now);
      if (outcome === 'gone' || outcome === 'full' || !slot) {
        return void (await ctx.reply(en(outcome === 'gone' ? 'booking:notice.gone' : 'booking:notice.taken'), { reply_markup: await booking.keyboard(now) }));
      }
      state(ctx).a.booking = slot.id;
      completed++;
      const c = booking.confirmation(slot);
      await ctx.reply(c.text);
      await ctx.replyWithVenue(c.venue.latitude, c.venue.longitude, c.venue.title, c.venue.address);
      await ctx.replyWithDocument({ source: c.ics, filename: c.filename });
      await ctx.reply(say('interview:closing.thanks', 'interview:closing.next_steps', 'interview:closing.look_forward', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) });
      return ctx.scene.leave();
    },
  );

  const stage = new Scenes.Stage<Ctx>([intake]);
  // /start restarts the intake wherever the person is (the stage's own handlers run before the scene's).
  stage.command('start', (ctx) => ctx.scene.enter('intake'));
  bot.use(session({ store: redisSessionStore<Scenes.WizardSession>(redis) }));
  bot.use(stage.middleware());
  bot.catch((err) => {
    errors++;
    if (errors <= 3) process.stderr.write(`telegraf bot: ${String(err)}\n`);
  });

  const app = express();
  app.post(WEBHOOK_PATH, express.json({ limit: '1mb' }), bot.webhookCallback(WEBHOOK_PATH, { secretToken: WEBHOOK_SECRET }));
  return {
    name: 'telegraf',
    // The updates are Telegram's either way; grammY's and telegraf's type packages spell them apart.
    bot: { handleUpdate: (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]) },
    app,
    redis,
    completed: () => completed,
    errors: () => errors,
    // telegraf's default session key: `<from id>:<chat id>` (the same number in a private chat).
    stateBytes: (chatId) => redis.strlen(`${SESSION_PREFIX}${chatId}:${chatId}`),
    close: async () => redis.disconnect(),
  };
}
