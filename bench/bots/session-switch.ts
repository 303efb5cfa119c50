import { RedisAdapter } from '@grammyjs/storage-redis';
import express from 'express';
import { Bot, session, webhookCallback, type Context, type SessionFlavor } from 'grammy';
import { Redis } from 'ioredis';
import { BaselineBooking } from '../booking';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { AGREE, CONSENT_SCREEN, CONTACT_KEYBOARD, LANGUAGES, MAX_LENGTH, MENU, REASONS, YES_NO, buttons, en, office, parseBirthDate, parsePhone, q3Keyboard, referralKeyboard, say, skip, textProblem } from './texts';
import { WEBHOOK_PATH, WEBHOOK_SECRET, type BenchBot, type BenchBotOptions } from './types';

type Step =
  | 'idle' | 'language' | 'menu' | 'age' | 'q1' | 'q2' | 'q3' | 'continue' | 'agree'
  | 'birth_date' | 'first_name' | 'last_name' | 'country' | 'reason' | 'reason_other' | 'phone' | 'pick_time'
  | 'referral' | 'address' | 'questions' | 'done';

/** Questions answered by typing, with the longest answer each takes. */
const TYPED = { first_name: MAX_LENGTH.first_name, last_name: MAX_LENGTH.last_name, country: MAX_LENGTH.country, reason_other: MAX_LENGTH.reason_other, address: MAX_LENGTH.address, questions: MAX_LENGTH.questions } as const;
type TypedStep = keyof typeof TYPED;
const isTyped = (step: Step): step is TypedStep => step in TYPED;

interface SessionData {
  step: Step;
  lang?: string;
  /** Answers so far (in clear: the usual hand-written bot does not encrypt). */
  a: Record<string, string | string[]>;
  /** Options ticked in Q3 so far. */
  sel?: string[];
}

type Ctx = Context & SessionFlavor<SessionData>;

/**
 * The usual way to build such a bot: grammY sessions in Redis (@grammyjs/storage-redis: one
 * GET and one SET per update) and a hand-written `switch (step)` state machine asking the
 * same questions as Körpü's intake in the same order (consent in one screen, then the date of
 * birth, name, country, reason, phone and a time; after the booking the optional referral
 * source, address and questions), with the same texts and buttons, checking the answers
 * (buttons of the current question only, dates, phone numbers, lengths), and booking the tapped
 * time atomically with Körpü's own booking script (see ../booking.ts).
 */
export async function sessionSwitchBot(o: BenchBotOptions): Promise<BenchBot> {
  if (o.workload !== 'intake') throw new Error('the session baseline runs the intake only');
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
  const bot = new Bot<Ctx>(BENCH_TOKEN, { botInfo: BENCH_BOT_INFO, client: { apiRoot: o.apiRoot } });
  let errors = 0;
  let completed = 0;
  const booking = new BaselineBooking(redis, 'session:');
  bot.use(
    session({
      initial: (): SessionData => ({ step: 'idle', a: {} }),
      storage: new RedisAdapter<SessionData>({ instance: redis as never, ttl: 180 * 86_400 }),
      prefix: 'session:',
    }),
  );

  bot.command('start', async (ctx) => {
    ctx.session = { step: 'language', a: {} };
    await ctx.reply(en('welcome:choose_language'), { reply_markup: buttons('language', LANGUAGES) });
  });

  bot.on('callback_query:data', async (ctx) => {
    const s = ctx.session;
    const [, node, value] = ctx.callbackQuery.data.split(':') as [string, string, string];
    await ctx.answerCallbackQuery();
    if (node !== s.step) {
      await ctx.reply(en('common:notice.stale_button'));
      return;
    }
    switch (s.step) {
      case 'language':
        s.lang = value;
        s.step = 'menu';
        return void (await ctx.reply(say('welcome:intro', 'welcome:free_voluntary', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) }));
      case 'menu':
        if (value !== 'eligibility') return void (await ctx.reply(say('welcome:about.what', 'welcome:about.areas', 'welcome:about.free', 'welcome:about.voluntary', 'welcome:about.who', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) }));
        s.step = 'age';
        return void (await ctx.reply(say('diagnosis:intro', 'diagnosis:age.prompt'), { reply_markup: buttons('age', [['adult', 'diagnosis:age.adult'], ['minor', 'diagnosis:age.minor']]) }));
      case 'age':
        s.a.age = value;
        if (value !== 'adult') {
          s.step = 'done';
          return void (await ctx.reply(en('diagnosis:minor.bye')));
        }
        s.step = 'q1';
        return void (await ctx.reply(en('diagnosis:q1.prompt'), { reply_markup: buttons('q1', YES_NO) }));
      case 'q1':
        s.a.q1 = value;
        s.step = 'q2';
        return void (await ctx.reply(en('diagnosis:q2.prompt'), { reply_markup: buttons('q2', YES_NO) }));
      case 'q2':
        s.a.q2 = value;
        s.step = 'q3';
        return void (await ctx.reply(say('diagnosis:q3.prompt', 'common:hint.multi_choice'), { reply_markup: q3Keyboard([]) }));
      case 'q3': {
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
          s.step = 'done';
          return void (await ctx.reply(say('diagnosis:result.not_eligible', 'diagnosis:result.not_final')));
        }
        s.step = 'continue';
        return void (await ctx.reply(say('diagnosis:result.likely', 'diagnosis:result.provisional', 'diagnosis:result.continue'), { reply_markup: buttons('continue', YES_NO) }));
      }
      case 'continue':
        if (value !== 'yes') {
          s.step = 'done';
          return void (await ctx.reply(en('diagnosis:result.later')));
        }
        // What the meeting is and where, then consent in one screen: tapping A, B or C agrees.
        s.step = 'agree';
        return void (await ctx.reply([en('interview:intro'), office(), say(...CONSENT_SCREEN)].join('\n\n'), { reply_markup: buttons('agree', AGREE) }));
      case 'agree':
        if (value === 'full_text') return void (await ctx.reply(say('consent:full_text', 'consent:agree.prompt'), { reply_markup: buttons('agree', AGREE) }));
        s.a.consent = value === 'no' ? 'declined' : value;
        s.a.consent_at = new Date().toISOString();
        if (value === 'no') {
          s.step = 'done';
          return void (await ctx.reply([en('consent:declined'), office()].join('\n\n')));
        }
        s.step = 'birth_date';
        return void (await ctx.reply(say('interview:birth_date.prompt', 'common:hint.date')));
      case 'reason':
        s.a.reason = value;
        if (value === 'other') {
          s.step = 'reason_other';
          return void (await ctx.reply(en('interview:reason_other.prompt')));
        }
        s.step = 'phone';
        return void (await ctx.reply(en('interview:phone.prompt'), { reply_markup: CONTACT_KEYBOARD }));
      case 'pick_time': {
        if (value === 'none') {
          s.a.booking = 'none';
          s.step = 'referral';
          completed++;
          await ctx.reply(en('booking:no_time'));
          return void (await ctx.reply(en('interview:referral.prompt'), { reply_markup: referralKeyboard() }));
        }
        const now = new Date();
        const { outcome, slot } = await booking.book(value, `tg${ctx.chat!.id}`, now);
        if (outcome === 'gone' || outcome === 'full' || !slot) {
          return void (await ctx.reply(en(outcome === 'gone' ? 'booking:notice.gone' : 'booking:notice.taken'), { reply_markup: await booking.keyboard(now) }));
        }
        s.a.booking = slot.id;
        s.step = 'referral';
        completed++;
        await booking.confirm(ctx, slot);
        return void (await ctx.reply(en('interview:referral.prompt'), { reply_markup: referralKeyboard() }));
      }
      case 'referral':
        s.a.referral = value;
        s.step = 'address';
        return void (await ctx.reply(en('interview:address.prompt'), { reply_markup: skip('address') }));
      case 'address':
      case 'questions':
        if (value === '__skip') return void (await next(ctx, ''));
        return;
      default:
        await ctx.reply(en('common:notice.stale_button'));
    }
  });

  bot.on('message', async (ctx) => {
    const s = ctx.session;
    const text = ctx.message.text?.trim() ?? '';
    if (s.step === 'phone') {
      const phone = parsePhone(ctx.message.contact?.user_id === ctx.from.id ? ctx.message.contact.phone_number : text);
      if (!phone) return void (await ctx.reply(en('common:reprompt.phone')));
      s.a.phone = phone;
      s.step = 'pick_time';
      // Two calls, as Körpü makes them: the prompt takes the share-phone keyboard away, then
      // gets the free times as its inline keyboard (a message carries one kind of keyboard).
      const m = await ctx.reply(en('booking:pick.prompt_first'), { reply_markup: { remove_keyboard: true } });
      return void (await ctx.api.editMessageReplyMarkup(ctx.chat.id, m.message_id, { reply_markup: await booking.keyboard(new Date()) }));
    }
    if (s.step === 'birth_date') {
      const birth = parseBirthDate(text);
      if ('problem' in birth) return void (await ctx.reply(birth.problem));
      s.a.birth_date = birth.date;
      if (!birth.adult) {
        // A minor's consent is set aside: a parent or guardian takes part with them.
        s.a.consent = 'set_aside_minor';
        s.step = 'done';
        return void (await ctx.reply(en('interview:guardian')));
      }
      s.step = 'first_name';
      return void (await ctx.reply(en('interview:first_name.prompt')));
    }
    if (!isTyped(s.step)) return void (await ctx.reply(en('common:reprompt.choose')));
    const problem = textProblem(text, TYPED[s.step]);
    if (problem) return void (await ctx.reply(problem));
    await next(ctx, text);
  });

  /** Takes a typed answer (or a skip) at the current step and asks the next question. */
  async function next(ctx: Ctx, text: string): Promise<void> {
    const s = ctx.session;
    switch (s.step) {
      case 'first_name':
        s.a.first_name = text;
        s.step = 'last_name';
        return void (await ctx.reply(en('interview:last_name.prompt')));
      case 'last_name':
        s.a.last_name = text;
        s.step = 'country';
        return void (await ctx.reply(en('interview:country.prompt')));
      case 'country':
        s.a.country = text;
        s.step = 'reason';
        return void (await ctx.reply(en('interview:reason.prompt'), { reply_markup: buttons('reason', REASONS) }));
      case 'reason_other':
        s.a.reason_detail = text;
        s.step = 'phone';
        return void (await ctx.reply(en('interview:phone.prompt'), { reply_markup: CONTACT_KEYBOARD }));
      case 'address':
        if (text) s.a.address = text;
        s.step = 'questions';
        return void (await ctx.reply(en('interview:questions.prompt'), { reply_markup: skip('questions') }));
      case 'questions':
        if (text) s.a.questions = text;
        s.step = 'menu';
        // The closing says what happened: a booked time at the office, or a call to agree one.
        return void (await ctx.reply([en(s.a.booking === 'none' ? 'interview:closing.call' : 'interview:closing.booked'), office(), say('interview:closing.look_forward', 'welcome:menu.prompt')].join('\n\n'), { reply_markup: buttons('menu', MENU) }));
    }
  }

  bot.catch((err) => {
    errors++;
    if (errors <= 3) process.stderr.write(`session bot: ${String(err.error)}\n`);
  });
  const app = express();
  app.post(WEBHOOK_PATH, express.json({ limit: '1mb' }), webhookCallback(bot, 'express', { secretToken: WEBHOOK_SECRET }));
  return {
    name: 'session',
    bot,
    app,
    redis,
    completed: () => completed,
    errors: () => errors,
    stateBytes: (chatId) => redis.strlen(`session:${chatId}`),
    close: async () => redis.disconnect(),
  };
}
