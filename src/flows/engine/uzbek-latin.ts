/**
 * Uzbek written in Cyrillic, in the Latin alphabet the bot's Uzbek texts use: many people learnt
 * and type the Cyrillic one ("мен 30 ёшдаман", "учрашувга ёзилиш"), and a typed answer is
 * compared with the Latin buttons and words. Lower case in, lower case out; apostrophes of
 * oʻ and gʻ are left out, as typedWords leaves them out of the Latin text.
 * @example uzbekLatin('тайёр') // 'tayyor'
 */
const LETTERS: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ғ: 'g', д: 'd', ж: 'j', з: 'z', и: 'i', й: 'y', к: 'k', қ: 'q', л: 'l', м: 'm', н: 'n',
  о: 'o', ў: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'x', ҳ: 'h', ц: 'ts', ч: 'ch', ш: 'sh', ъ: '', ь: '',
  э: 'e', ё: 'yo', ю: 'yu', я: 'ya', ы: 'i', щ: 'sh',
};

export function uzbekLatin(lower: string): string {
  if (!/[\u0400-\u04ff]/.test(lower)) return lower;
  // е is "ye" where a word begins and after a vowel ("ер" yer, "поезд"), else "e".
  return lower.replace(/(^|[^\p{L}]|[аоуэиеёюяў])е/gu, '$1ye').replace(/[\u0400-\u04ff]/g, (c) => LETTERS[c] ?? (c === 'е' ? 'e' : c));
}
