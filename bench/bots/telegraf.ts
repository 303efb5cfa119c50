import express from 'express';
import type { Redis as RedisClient } from 'ioredis';
import { Redis } from 'ioredis';
import { Scenes, session, Telegraf, type SessionStore } from 'telegraf';
import { BaselineBooking } from '../booking';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { AGREE, CONSENT_SCREEN, CONTACT_KEYBOARD, LANGUAGES, MAX_LENGTH, MENU, REASONS, YES_NO, buttons, en, office, parseBirthDate, parsePhone, q3Keyboard, referralKeyboard, say, skip, textProblem } from './texts';
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

  /** A typed answer of 1 to `max` characters; undefined (after asking again) otherwise. */
  async function typed(ctx: Ctx, max: number): Promise<string | undefined> {
    if (ctx.callbackQuery) {
      await ctx.answerCbQuery();
      await ctx.reply(en('common:notice.stale_button'));
      return undefined;
    }
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text.trim() : '';
    const problem = textProblem(text, max);
    if (!problem) return text;
    await ctx.reply(problem);
    return undefined;
  }

  /** An optional typed answer: the text, '' for a tap on the question's Skip, undefined otherwise. */
  async function typedOrSkip(ctx: Ctx, node: string, max: number): Promise<string | undefined> {
    if (ctx.callbackQuery) return (await tap(ctx, node)) === '__skip' ? '' : undefined;
    return typed(ctx, max);
  }

  /** The closing after the optional questions: what happened (a booked time, or a call), the office, the menu. */
  const closing = (s: IntakeState) =>
    [en(s.a.booking === 'none' ? 'interview:closing.call' : 'interview:closing.booked'), office(), say('interview:closing.look_forward', 'welcome:menu.prompt')].join('\n\n');

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
      await ctx.reply(say('welcome:intro', 'welcome:free_voluntary', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'menu');
      if (!value) return;
      if (value !== 'eligibility') return void (await ctx.reply(say('welcome:about.what', 'welcome:about.areas', 'welcome:about.free', 'welcome:about.voluntary', 'welcome:about.who', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) }));
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
      // What the meeting is and where, then consent in one screen: tapping A, B or C agrees.
      await ctx.reply([en('interview:intro'), office(), say(...CONSENT_SCREEN)].join('\n\n'), { reply_markup: buttons('agree', AGREE) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'agree');
      if (!value) return;
      if (value === 'full_text') return void (await ctx.reply(say('consent:full_text', 'consent:agree.prompt'), { reply_markup: buttons('agree', AGREE) }));
      const s = state(ctx);
      s.a.consent = value === 'no' ? 'declined' : value;
      s.a.consent_at = new Date().toISOString();
      if (value === 'no') {
        await ctx.reply([en('consent:declined'), office()].join('\n\n'));
        return ctx.scene.leave();
      }
      await ctx.reply(say('interview:birth_date.prompt', 'common:hint.date'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx, 4096); // any message; the date check follows
      if (!text) return;
      const birth = parseBirthDate(text);
      if ('problem' in birth) return void (await ctx.reply(birth.problem));
      const s = state(ctx);
      s.a.birth_date = birth.date;
      if (!birth.adult) {
        // A minor's consent is set aside: a parent or guardian takes part with them.
        s.a.consent = 'set_aside_minor';
        await ctx.reply(en('interview:guardian'));
        return ctx.scene.leave();
      }
      await ctx.reply(en('interview:first_name.prompt'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx, MAX_LENGTH.first_name);
      if (!text) return;
      state(ctx).a.first_name = text;
      await ctx.reply(en('interview:last_name.prompt'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx, MAX_LENGTH.last_name);
      if (!text) return;
      state(ctx).a.last_name = text;
      await ctx.reply(en('interview:country.prompt'));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typed(ctx, MAX_LENGTH.country);
      if (!text) return;
      state(ctx).a.country = text;
      await ctx.reply(en('interview:reason.prompt'), { reply_markup: buttons('reason', REASONS) });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'reason');
      if (!value) return;
      state(ctx).a.reason = value;
      if (value === 'other') {
        await ctx.reply(en('interview:reason_other.prompt'));
        return ctx.wizard.next();
      }
      await ctx.reply(en('interview:phone.prompt'), { reply_markup: CONTACT_KEYBOARD });
      // Past the "other reason" step: the wizard's way to branch is to move its cursor.
      return ctx.wizard.selectStep(ctx.wizard.cursor + 2);
    },
    async (ctx) => {
      const text = await typed(ctx, MAX_LENGTH.reason_other);
      if (!text) return;
      state(ctx).a.reason_detail = text;
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
      // Two calls, as Körpü makes them: the prompt takes the share-phone keyboard away, then gets
      // the free times as its inline keyboard (a message carries one kind of keyboard).
      const prompt = await ctx.reply(en('booking:pick.prompt_first'), { reply_markup: { remove_keyboard: true } });
      await ctx.telegram.editMessageReplyMarkup(prompt.chat.id, prompt.message_id, undefined, await booking.keyboard(new Date()));
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'pick_time');
      if (!value) return;
      const s = state(ctx);
      if (value === 'none') {
        s.a.booking = 'none';
        completed++;
        await ctx.reply(en('booking:no_time'));
      } else {
        const now = new Date();
        const { outcome, slot } = await booking.book(value, `tg${ctx.chat!.id}`, now);
        if (outcome === 'gone' || outcome === 'full' || !slot) {
          return void (await ctx.reply(en(outcome === 'gone' ? 'booking:notice.gone' : 'booking:notice.taken'), { reply_markup: await booking.keyboard(now) }));
        }
        s.a.booking = slot.id;
        completed++;
        const c = booking.confirmation(slot);
        await ctx.reply(c.text);
        if (c.venue) await ctx.replyWithVenue(c.venue.latitude, c.venue.longitude, c.venue.title, c.venue.address);
        await ctx.replyWithDocument({ source: c.ics, filename: c.filename });
      }
      // After the booking, all optional: where they heard of the programme, the address, questions.
      await ctx.reply(en('interview:referral.prompt'), { reply_markup: referralKeyboard() });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const value = await tap(ctx, 'referral');
      if (!value) return;
      state(ctx).a.referral = value;
      await ctx.reply(en('interview:address.prompt'), { reply_markup: skip('address') });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typedOrSkip(ctx, 'address', MAX_LENGTH.address);
      if (text === undefined) return;
      if (text) state(ctx).a.address = text;
      await ctx.reply(en('interview:questions.prompt'), { reply_markup: skip('questions') });
      return ctx.wizard.next();
    },
    async (ctx) => {
      const text = await typedOrSkip(ctx, 'questions', MAX_LENGTH.questions);
      if (text === undefined) return;
      const s = state(ctx);
      if (text) s.a.questions = text;
      await ctx.reply(closing(s), { reply_markup: buttons('menu', MENU) });
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
