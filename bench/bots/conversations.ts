import { conversations, createConversation, type Conversation, type ConversationFlavor } from '@grammyjs/conversations';
import { RedisAdapter } from '@grammyjs/storage-redis';
import express from 'express';
import { Bot, webhookCallback, type Context } from 'grammy';
import { Redis } from 'ioredis';
import { BaselineBooking } from '../booking';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { LONG_QUESTIONS } from '../workload';
import { AGREE, CONSENT_SCREEN, CONTACT_KEYBOARD, LANGUAGES, MAX_LENGTH, MENU, OPTIONS, REASONS, YES_NO, buttons, en, office, parseBirthDate, parsePhone, q3Keyboard, referralKeyboard, say, skip, textProblem } from './texts';
import { WEBHOOK_PATH, WEBHOOK_SECRET, type BenchBot, type BenchBotOptions } from './types';

type Outer = ConversationFlavor<Context>;
type Conv = Conversation<Outer, Context>;

/**
 * The same questionnaire written the way the conversations plugin (v2) invites: one async
 * function that awaits each answer, state in Redis through @grammyjs/storage-redis. The plugin
 * replays the function from the start on every update (its state is the log of updates and
 * API results so far), which is what the flat-cost benchmark shows.
 */
export async function conversationsBot(o: BenchBotOptions): Promise<BenchBot> {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1 });
  const bot = new Bot<Outer>(BENCH_TOKEN, { botInfo: BENCH_BOT_INFO, client: { apiRoot: o.apiRoot } });
  let errors = 0;
  let completed = 0;
  const done = () => void completed++;
  const booking = new BaselineBooking(redis, 'conversation:');

  bot.use(conversations<Outer, Context>({ storage: { type: 'key', adapter: new RedisAdapter({ instance: redis as never, ttl: 180 * 86_400 }), prefix: 'conversation:' } }));
  bot.use(createConversation<Outer, Context>(o.workload === 'long' ? longQuestionnaire(done) : intake(done, booking), 'intake'));
  bot.command('start', (ctx) => ctx.conversation.enter('intake'));
  bot.catch((err) => {
    errors++;
    if (errors <= 3) process.stderr.write(`conversations bot: ${String(err.error)}\n`);
  });
  const app = express();
  app.post(WEBHOOK_PATH, express.json({ limit: '1mb' }), webhookCallback(bot, 'express', { secretToken: WEBHOOK_SECRET }));
  return {
    name: 'conversations',
    bot,
    app,
    redis,
    completed: () => completed,
    errors: () => errors,
    stateBytes: (chatId) => redis.strlen(`conversation:${chatId}`),
    close: async () => redis.disconnect(),
  };
}

/** Waits for a tap on a button of question `node`; taps on older questions are answered as stale. */
async function tapOn(conversation: Conv, node: string) {
  const c = await conversation.waitForCallbackQuery(new RegExp(`^c:${node}:`), {
    otherwise: async (ctx) => {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery(en('common:notice.stale_button'));
    },
  });
  await c.answerCallbackQuery();
  return { c, value: c.callbackQuery.data.split(':')[2]! };
}

/** Waits for a typed answer of 1 to `max` characters. */
async function typed(conversation: Conv, max: number): Promise<{ c: Context; text: string }> {
  for (;;) {
    const c = await conversation.waitFor('message:text', { otherwise: (ctx) => ctx.reply(en('common:reprompt.empty')) });
    const text = c.message.text.trim();
    const problem = textProblem(text, max);
    if (!problem) return { c, text };
    await c.reply(problem);
  }
}

/** An optional typed answer: the text, or '' when the question's Skip button is tapped. */
async function typedOrSkip(conversation: Conv, node: string, max: number): Promise<{ c: Context; text: string }> {
  for (;;) {
    const c = await conversation.waitFor(['message:text', 'callback_query:data'], { otherwise: (ctx) => ctx.reply(en('common:reprompt.empty')) });
    if (c.callbackQuery) {
      await c.answerCallbackQuery();
      if (c.callbackQuery.data === `c:${node}:__skip`) return { c, text: '' };
      await c.reply(en('common:notice.stale_button'));
      continue;
    }
    const text = c.message?.text?.trim() ?? '';
    const problem = textProblem(text, max);
    if (!problem) return { c, text };
    await c.reply(problem);
  }
}

function intake(onCompleted: () => void, booking: BaselineBooking) {
  return async function intakeConversation(conversation: Conv, ctx: Context): Promise<void> {
    const a: Record<string, string | string[]> = {};
    await ctx.reply(en('welcome:choose_language'), { reply_markup: buttons('language', LANGUAGES) });
    let t = await tapOn(conversation, 'language');
    a.lang = t.value;
    await t.c.reply(say('welcome:intro', 'welcome:free_voluntary', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) });
    for (;;) {
      t = await tapOn(conversation, 'menu');
      if (t.value === 'eligibility') break;
      await t.c.reply(say('welcome:about.what', 'welcome:about.areas', 'welcome:about.free', 'welcome:about.voluntary', 'welcome:about.who', 'welcome:menu.prompt'), { reply_markup: buttons('menu', MENU) });
    }
    await t.c.reply(say('diagnosis:intro', 'diagnosis:age.prompt'), { reply_markup: buttons('age', [['adult', 'diagnosis:age.adult'], ['minor', 'diagnosis:age.minor']]) });
    t = await tapOn(conversation, 'age');
    if (t.value !== 'adult') return void (await t.c.reply(en('diagnosis:minor.bye')));
    await t.c.reply(en('diagnosis:q1.prompt'), { reply_markup: buttons('q1', YES_NO) });
    t = await tapOn(conversation, 'q1');
    a.q1 = t.value;
    await t.c.reply(en('diagnosis:q2.prompt'), { reply_markup: buttons('q2', YES_NO) });
    t = await tapOn(conversation, 'q2');
    a.q2 = t.value;
    await t.c.reply(say('diagnosis:q3.prompt', 'common:hint.multi_choice'), { reply_markup: q3Keyboard([]) });
    let sel: string[] = [];
    for (;;) {
      t = await tapOn(conversation, 'q3');
      if (t.value === '__done') break;
      sel = sel.includes(t.value) ? sel.filter((v) => v !== t.value) : [...sel, t.value];
      await t.c.editMessageText(say('diagnosis:q3.prompt', 'common:hint.multi_choice'), { reply_markup: q3Keyboard(sel) });
    }
    a.q3 = sel;
    if (!(a.q1 === 'yes' && a.q2 === 'yes' && sel.length > 0)) return void (await t.c.reply(say('diagnosis:result.not_eligible', 'diagnosis:result.not_final')));
    await t.c.reply(say('diagnosis:result.likely', 'diagnosis:result.provisional', 'diagnosis:result.continue'), { reply_markup: buttons('continue', YES_NO) });
    t = await tapOn(conversation, 'continue');
    if (t.value !== 'yes') return void (await t.c.reply(en('diagnosis:result.later')));
    // What the meeting is and where, then consent in one screen: tapping A, B or C agrees.
    await t.c.reply([en('interview:intro'), office(), say(...CONSENT_SCREEN)].join('\n\n'), { reply_markup: buttons('agree', AGREE) });
    for (;;) {
      t = await tapOn(conversation, 'agree');
      if (t.value !== 'full_text') break;
      await t.c.reply(say('consent:full_text', 'consent:agree.prompt'), { reply_markup: buttons('agree', AGREE) });
    }
    if (t.value === 'no') return void (await t.c.reply([en('consent:declined'), office()].join('\n\n')));
    a.consent = t.value;
    await t.c.reply(say('interview:birth_date.prompt', 'common:hint.date'));
    let x: { c: Context; text: string };
    for (;;) {
      x = await typed(conversation, 4096); // any message; the date check follows
      const birth = parseBirthDate(x.text, await conversation.now().then((ms) => new Date(ms)));
      if ('problem' in birth) {
        await x.c.reply(birth.problem);
        continue;
      }
      a.birth_date = birth.date;
      // A minor's consent is set aside: a parent or guardian takes part with them.
      if (!birth.adult) return void (await x.c.reply(en('interview:guardian')));
      break;
    }
    await x.c.reply(en('interview:first_name.prompt'));
    x = await typed(conversation, MAX_LENGTH.first_name);
    a.first_name = x.text;
    await x.c.reply(en('interview:last_name.prompt'));
    x = await typed(conversation, MAX_LENGTH.last_name);
    a.last_name = x.text;
    await x.c.reply(en('interview:country.prompt'));
    x = await typed(conversation, MAX_LENGTH.country);
    a.country = x.text;
    await x.c.reply(en('interview:reason.prompt'), { reply_markup: buttons('reason', REASONS) });
    t = await tapOn(conversation, 'reason');
    a.reason = t.value;
    let last: Context = t.c;
    if (t.value === 'other') {
      await t.c.reply(en('interview:reason_other.prompt'));
      x = await typed(conversation, MAX_LENGTH.reason_other);
      a.reason_detail = x.text;
      last = x.c;
    }
    await last.reply(en('interview:phone.prompt'), { reply_markup: CONTACT_KEYBOARD });
    for (;;) {
      const c = await conversation.waitFor('message');
      const own = c.message.contact?.user_id === c.from?.id ? c.message.contact?.phone_number : undefined;
      const phone = parsePhone(own ?? c.message.text ?? '');
      if (phone) {
        a.phone = phone;
        last = c;
        break;
      }
      await c.reply(en('common:reprompt.phone'));
    }
    // Free times and the booking read and write Redis: outside the replayed code, once each.
    // Two calls, as Körpü makes them: the prompt takes the share-phone keyboard away, then gets
    // the free times as its inline keyboard (a message carries one kind of keyboard).
    let times = await conversation.external(() => booking.keyboard(new Date()));
    const prompt = await last.reply(en('booking:pick.prompt_first'), { reply_markup: { remove_keyboard: true } });
    await last.api.editMessageReplyMarkup(prompt.chat.id, prompt.message_id, { reply_markup: times });
    for (;;) {
      t = await tapOn(conversation, 'pick_time');
      if (t.value === 'none') {
        a.booking = 'none';
        await conversation.external(() => onCompleted());
        await t.c.reply(en('booking:no_time'));
        break;
      }
      const value = t.value;
      const chat = t.c.chat!.id;
      const { outcome, slotId } = await conversation.external(async () => {
        const r = await booking.book(value, `tg${chat}`, new Date());
        return { outcome: r.outcome, slotId: r.slot?.id };
      });
      const slot = slotId ? booking.slot(slotId) : undefined;
      if ((outcome === 'booked' || outcome === 'moved' || outcome === 'already') && slot) {
        a.booking = slot.id;
        await conversation.external(() => onCompleted());
        await booking.confirm(t.c, slot);
        break;
      }
      times = await conversation.external(() => booking.keyboard(new Date()));
      await t.c.reply(en(outcome === 'gone' ? 'booking:notice.gone' : 'booking:notice.taken'), { reply_markup: times });
    }
    // After the booking, all optional: where they heard of the programme, the address, questions.
    await t.c.reply(en('interview:referral.prompt'), { reply_markup: referralKeyboard() });
    t = await tapOn(conversation, 'referral');
    a.referral = t.value;
    await t.c.reply(en('interview:address.prompt'), { reply_markup: skip('address') });
    x = await typedOrSkip(conversation, 'address', MAX_LENGTH.address);
    if (x.text) a.address = x.text;
    await x.c.reply(en('interview:questions.prompt'), { reply_markup: skip('questions') });
    x = await typedOrSkip(conversation, 'questions', MAX_LENGTH.questions);
    if (x.text) a.questions = x.text;
    // The closing says what happened: a booked time at the office, or a call to agree one.
    await x.c.reply([en(a.booking === 'none' ? 'interview:closing.call' : 'interview:closing.booked'), office(), say('interview:closing.look_forward', 'welcome:menu.prompt')].join('\n\n'), { reply_markup: buttons('menu', MENU) });
  };
}

/** The long test flow: data-use option, then 44 questions, typed and tapped in turn (see workload.ts). */
function longQuestionnaire(onCompleted: () => void) {
  return async function longConversation(conversation: Conv, ctx: Context): Promise<void> {
    await ctx.reply(en('consent:option.prompt'), { reply_markup: buttons('option', OPTIONS.slice(0, 2)) });
    let last: Context = (await tapOn(conversation, 'option')).c;
    for (let i = 1; i <= LONG_QUESTIONS; i++) {
      if (i % 2 === 1) {
        await last.reply(say('interview:first_name.prompt'));
        last = (await typed(conversation, MAX_LENGTH.first_name)).c;
      } else {
        await last.reply(en('diagnosis:q1.prompt'), { reply_markup: buttons(`q${i}`, YES_NO) });
        last = (await tapOn(conversation, `q${i}`)).c;
      }
    }
    await conversation.external(() => onCompleted());
    await last.reply(en('interview:closing.look_forward'));
  };
}
