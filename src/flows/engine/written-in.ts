import type { Lang } from '../../core/lang';

/**
 * The language a message is plainly written in, by its alphabet, for suggesting a language
 * before one is chosen: Persian/Dari letters are `fa`; Cyrillic is Ukrainian with і ї є ґ,
 * Uzbek with ў қ ғ ҳ, else Russian; Latin is Azerbaijani with ə and Uzbek with oʻ/gʻ. Latin
 * without those letters (English, Turkish, Azerbaijani typed without ə) says nothing, and
 * neither does a message of mixed alphabets: undefined. Only a suggestion (the order of the
 * language buttons, the language the question is put in): the person still chooses.
 * @example writtenIn('Здравствуйте, мне нужна помощь') // 'ru'
 */
export function writtenIn(text: string): Lang | undefined {
  const letters = text.match(/\p{L}/gu);
  if (!letters || letters.length < 2) return undefined;
  const share = (re: RegExp) => letters.filter((c) => re.test(c)).length / letters.length;
  if (share(/\p{Script=Arabic}/u) >= 0.8) return 'fa';
  if (share(/\p{Script=Cyrillic}/u) >= 0.8) {
    if (/[іїєґ]/iu.test(text)) return 'uk';
    if (/[ўқғҳ]/iu.test(text)) return 'uz';
    return 'ru';
  }
  if (share(/\p{Script=Latin}/u) >= 0.8) {
    if (/ə/iu.test(text)) return 'az';
    if (/[og][ʻ‘]/iu.test(text)) return 'uz';
  }
  return undefined;
}
