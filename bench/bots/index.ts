import { bareBot } from './bare';
import { conversationsBot } from './conversations';
import { korpuBot } from './korpu';
import { sessionSwitchBot } from './session-switch';
import { telegrafBot } from './telegraf';
import type { BenchBot, BenchBotOptions, BotName } from './types';

export * from './types';

/** Builds one of the bots under test. */
export function createBenchBot(name: BotName, o: BenchBotOptions): Promise<BenchBot> {
  switch (name) {
    case 'korpu':
      return korpuBot(o);
    case 'bare':
      return bareBot(o);
    case 'session':
      return sessionSwitchBot(o);
    case 'conversations':
      return conversationsBot(o);
    case 'telegraf':
      return telegrafBot(o);
  }
}
