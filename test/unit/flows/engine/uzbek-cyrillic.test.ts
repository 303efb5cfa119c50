import type { EngineInput, Input } from '../../../../src/core/conversation';
import { uzbekLatin } from '../../../../src/flows/engine/uzbek-latin';
import { at, cmd, converse, engineEnv, last, say, tap } from '../../../helpers/engine-env';

/**
 * Uzbek typed in Cyrillic (as many learnt it, and as a Russian keyboard writes it) answers as
 * the Latin words do: the bot's Uzbek texts are Latin, and typed words are compared with them.
 */

const env = engineEnv();
const play = (inputs: EngineInput[]) => last(converse(env, inputs));
const toMenu: Input[] = [cmd('start'), tap('language', 'uz')];

describe('Uzbek in Cyrillic', () => {
  it('reads as the Latin alphabet writes it', () => {
    expect(uzbekLatin('тайёр')).toBe('tayyor');
    expect(uzbekLatin('мен 30 ёшдаман')).toBe('men 30 yoshdaman');
    expect(uzbekLatin('учрашувга ёзилиш')).toBe('uchrashuvga yozilish');
    expect(uzbekLatin('ер')).toBe('yer');
    expect(uzbekLatin('кеча')).toBe('kecha');
    expect(uzbekLatin('йўқ')).toBe('yoq');
    expect(uzbekLatin('already latin')).toBe('already latin');
  });

  it('answers the menu, the age, a yes and Done as the Latin words do', () => {
    const latin = play([...toMenu, say('uchrashuvga yozilish')]);
    const cyrillic = play([...toMenu, say('учрашувга ёзилиш')]);
    expect(at(cyrillic.state)).toBe(at(latin.state));
    expect(at(cyrillic.state)).not.toBe('welcome/menu');

    const age = play([...toMenu, tap('menu', 'eligibility'), say('мен 30 ёшдаман')]);
    expect(age.state.vars['diagnosis.age']).toBe('adult');
    // "ха" with the Russian х, as a Russian keyboard writes Uzbek ҳа.
    const yes = play([...toMenu, tap('menu', 'eligibility'), tap('age', 'adult'), say('ха')]);
    expect(yes.state.vars['diagnosis.q1']).toBe('yes');
    const no = play([...toMenu, tap('menu', 'eligibility'), tap('age', 'adult'), say('йўқ')]);
    expect(no.state.vars['diagnosis.q1']).toBe('no');
    const done = play([...toMenu, tap('menu', 'eligibility'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), say('тайёр')]);
    expect(at(done.state)).not.toBe('diagnosis/q3');
  });
});
