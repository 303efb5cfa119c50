import type { ProgrammeContent } from '../../config/programme';
import { COMMANDS, type Command, type Input } from '../../core/conversation';
import { DEFAULT_LANG, RTL_LANGS, suggestLang, type Lang } from '../../core/lang';
import type { Translator } from '../../i18n';
import { renderOutput, type RenderedMessage } from '../../i18n/render';
import type { ConversationRunner } from '../../intake/conversation-runner';
import type { MessageRequest, SimulatorInput } from './simulator-schema';
import type { SessionSigner } from './simulator-sessions';

/** Wire name of the channel: part of the conversation's identity and the records' "Place". */
export const SIMULATOR_CHANNEL = 'simulator';

/**
 * What the simulator needs from the core (KorpuCore satisfies it). In Körpü this is the
 * simulator's own core, under its own key prefix: nothing it does touches real cases or places.
 */
export interface SimulatorCore {
  runner: Pick<ConversationRunner, 'handle' | 'conversationId'>;
  translator: Translator;
  content: ProgrammeContent;
  /** Signs the session ids the server issues (the core's FieldCipher). */
  cipher: SessionSigner;
}

/** The answer to one message: the bot's messages, rendered in the conversation's language. */
export interface SimulatorReply {
  lang: Lang;
  dir: 'ltr' | 'rtl';
  messages: RenderedMessage[];
  /** The same message id was sent before; nothing was done. */
  duplicate: boolean;
}

/** The page's own texts (`common:simulator.*`, `common:commands.*`) in one language. */
export interface SimulatorStrings {
  lang: Lang;
  dir: 'ltr' | 'rtl';
  strings: Record<(typeof STRING_KEYS)[number], string>;
  commands: Record<(typeof SHORTCUTS)[number], string>;
}

/** Keys under `common:simulator.` the page uses. */
export const STRING_KEYS = ['title', 'subtitle', 'placeholder', 'send', 'new_session', 'share_phone', 'phone_label', 'shortcuts', 'error', 'too_many_requests', 'too_many_sessions'] as const;
/** Commands offered as shortcut buttons under the text box. */
export const SHORTCUTS = ['back', 'restart', 'language', 'help'] as const satisfies readonly Command[];

const COMMAND_TEXT = /^\/([A-Za-z_]{1,32})(?:@\w+)?\s*$/;

/**
 * The web simulator as a channel adapter: the same runner as Telegram, with channel
 * `simulator` and the server-issued session id as the chat id (the router checks it first).
 * Outputs are rendered with renderOutput, exactly the texts and buttons a Telegram user gets.
 *
 * @example
 * const sim = new SimulatorChannel(core);
 * const reply = await sim.handle({ session, input: { type: 'command', name: 'start' } });
 */
export class SimulatorChannel {
  constructor(private readonly core: SimulatorCore) {}

  async handle(req: MessageRequest): Promise<SimulatorReply> {
    const { runner, translator, content } = this.core;
    const langHint = suggestLang(req.langHint);
    const handled = await runner.handle({
      channel: SIMULATOR_CHANNEL,
      chatId: req.session,
      // The update id must not reveal the session: build it from the conversation's pseudonym.
      ...(req.id ? { updateId: `sim:${runner.conversationId(SIMULATOR_CHANNEL, req.session)}:${req.id}` } : {}),
      input: toEngineInput(req.input),
      ...(langHint ? { langHint } : {}),
    });
    return {
      lang: handled.lang,
      dir: dirOf(handled.lang),
      messages: handled.outputs.map((o) => renderOutput(translator, content, handled.lang, o)),
      duplicate: handled.duplicate,
    };
  }

  /** The page's texts in `requested` (a language tag; unsupported ones fall back to az). */
  strings(requested: string | undefined): SimulatorStrings {
    const lang = suggestLang(requested) ?? DEFAULT_LANG;
    const t = (key: string) => this.core.translator.t(lang, key);
    return {
      lang,
      dir: dirOf(lang),
      strings: Object.fromEntries(STRING_KEYS.map((k) => [k, t(`common:simulator.${k}`)])) as SimulatorStrings['strings'],
      commands: Object.fromEntries(SHORTCUTS.map((k) => [k, t(`common:commands.${k}`)])) as SimulatorStrings['commands'],
    };
  }
}

/** Typed `/back` becomes the command, as in Telegram; an unknown `/xyz` gets its own answer. */
export function toEngineInput(input: SimulatorInput): Input {
  if (input.type !== 'text') return input;
  const m = COMMAND_TEXT.exec(input.text.trim());
  if (!m) return input;
  const name = m[1]!.toLowerCase();
  return (COMMANDS as readonly string[]).includes(name) ? { type: 'command', name: name as Command } : { type: 'unknown_command', name };
}

function dirOf(lang: string): 'ltr' | 'rtl' {
  return RTL_LANGS.includes(lang) ? 'rtl' : 'ltr';
}
