import type { CrisisCategory } from '../config/safeguarding';

/**
 * The words of crisis Körpü listens for (Annex 3: suicidal intent, violence including by a
 * partner, exploitation and trafficking, and a medical emergency), by category and language.
 * Data only: `detect-crisis.ts` compiles it once.
 *
 * ## How a pattern is written
 * A pattern is a JavaScript regular expression (Unicode mode) over the *normalised* message,
 * written in ordinary spelling, lower case:
 * - the message is lower-cased (İ and I → i), ё → е, apostrophes dropped (don't → dont), every
 *   other non-letter becomes one space, and runs of a repeated letter collapse to one
 *   ("heeelp", "kill" → "kil"). The same collapsing is applied to the pattern, so write "kill";
 * - Azerbaijani and Turkish patterns are matched against an ASCII-folded copy (ə/ä→e, ş/sh→s,
 *   ç/ch→c, ğ→g, ı→i, ö→o, ü→u), and folded the same way: write "öldürmək" and it also finds
 *   the "oldurmek" people type on phones without Azerbaijani letters; the ə of an Azerbaijani
 *   pattern also reads a typed "a" ("olduracam"). Folding also makes dotted and dotless i one
 *   letter, so both readings of a capital I are covered;
 * - Persian/Dari patterns are folded like the message (Arabic ي ك → Persian ی ک, vowel marks
 *   and half-spaces dropped, "می"/"نمی" joined to the verb): write "میخواهم", never "می ?";
 * - Uzbek: oʻ and gʻ, with whatever mark people type, are ŏ and ğ in the message; write "ŏ"
 *   where the bare "o" is another word (ŏl- die, ol- take) and "[ŏo]" where it is not;
 * - Russian patterns are also tried, in Latin letters, on messages written in Latin letters
 *   ("ne hochu zhit"): each Cyrillic letter becomes its usual spellings (detect-crisis.ts); a
 *   cue whose Latin form would be another language's word gives its own `latin`;
 * - the whole pattern must start and end on word boundaries (JS `\b` does not know Cyrillic;
 *   the compiler wraps every pattern in `\p{L}`-aware lookarounds);
 * - `~` = the rest of a word (`\p{L}*`), for stems: "избива~" finds избивает, избивал, избивают;
 * - `…` = up to three other words, written right before the next word: "муж …бьет" finds
 *   "муж бьёт", "муж меня бьёт", "муж опять меня бьёт".
 *
 * `unless` (optional) is a second pattern: when it matches anywhere in the message, this cue
 * does not fire (others still may). Use it for a harmless reading that a lookaround cannot
 * exclude, and say why in a comment.
 *
 * ## Precision
 * A false alarm sends an urgent alert and an emergency-number reply to someone who wrote about
 * their family or work, so words that are also everyday words ("beat", "kill", "vurmaq",
 * "бить") only count with a person as object or a violent subject next to them. Each tricky
 * pattern says why it is shaped as it is. Hyperbole is not a crisis: "this job / this heat is
 * killing me", "bu iş məni öldürəcək" have a thing, not a person, as the subject. Every cue
 * has a sentence in test/unit/safeguarding/ (detect-crisis.test.ts, crisis-sentences.ts) that
 * must fire it, next to harmless sentences sharing its words that must not.
 */

export type LexiconLang = 'az' | 'ru' | 'en' | 'fa' | 'uz' | 'tr' | 'uk';

/** One pattern. `id` is `<category>.<lang>.<name>` and is what a match reports as its cue. */
export interface CrisisCue {
  readonly id: string;
  readonly pattern: string;
  readonly unless?: string;
  /**
   * Russian cues only: the pattern in Latin letters (translit), when the automatic one (each
   * Cyrillic letter → its usual Latin spellings, detect-crisis.ts) would be wrong; '' = none.
   */
  readonly latin?: string;
}

export type CrisisLexicon = { readonly [C in CrisisCategory]: { readonly [L in LexiconLang]: readonly CrisisCue[] } };

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** English: who hurts people (a violent subject makes "beat", "hit", "kill" literal). */
const EN_WHO =
  '(?:he|she|they|husband|wife|partner|boyfriend|girlfriend|ex|father|dad|stepfather|mother|mom|mum|brother|uncle|son|cousin|boss|employer|landlord|owner|man|men|police|policeman|somebody|someone|people|family|in laws)';
/** English: who keeps someone's passport (not the police or a consulate, who do so lawfully). */
const EN_KEEPER = '(?:he|she|they|husband|boss|employer|owner|landlord|agent|agency|company|sponsor|someone|somebody|family|in laws)';
/** English: whom, after the verb. */
const EN_WHOM = '(?:me|us|my (?:children|kids|child|son|daughter|mother|wife|sister|baby))';
/** Games and contests, in which "beat me" means "won against me". */
const EN_GAMES =
  '(?:a |the )?(?:chess|cards|football|soccer|game|games|tennis|basketball|volleyball|backgammon|nardy|dominoes|race|match|final|argument|exam|competition|tournament|round|level)';

/** Russian: whom (accusative). "ее" is "её" after normalisation. */
const RU_WHOM = '(?:меня|нас|детей|ребенка|жену|мать|маму|сестру|дочь|дочку|сына|ее|его)';
/** Russian: forms of beating, hitting, strangling, raping. Exact forms, not stems: "ударил~"
 * would also find "ударился" (bumped himself), "бил~" would find "билет" (ticket). */
const RU_HURTS =
  '(?:бьет|бьют|бил|била|били|избил|избила|избили|избивает|избивают|избивал|избивала|избивали|ударил|ударила|ударили|ударит|душит|душил|душила|душат|пинает|пинал|насилует|изнасиловал|изнасиловали|толкает)';

/** Ukrainian: whom (accusative). Apostrophes are dropped: "б'є" is written "бє". */
const UK_WHOM = '(?:мене|нас|дітей|дитину|дружину|маму|матір|сестру|доньку|дочку|сина|її|його)';
/** Ukrainian: forms of beating, hitting, strangling, raping (exact forms, as for Russian). */
const UK_HURTS =
  '(?:бє|бють|бив|била|били|побив|побила|побили|вдарив|вдарила|вдарили|вдарить|душить|душив|душила|душать|копає|штовхає|ґвалтує|гвалтує|зґвалтував|згвалтував|зґвалтували|згвалтували)';

/** Azerbaijani: whom (accusative), in proper spelling; folded when compiled. */
const AZ_WHOM = '(?:məni|bizi|uşaqları|uşaqlarımı|uşağı|uşağımı|qızımı|oğlumu|anamı|bacımı|arvadımı|onu|hamımızı)';
/**
 * Azerbaijani: forms of döymək (beat), vurmaq (hit), boğmaq (strangle). "zəng vurmaq" (to call
 * on the phone), "qol vurmaq" (to sign), "göz vurmaq" (to wink) are everyday phrases, hence
 * the look-behind. "döydü" folds to "doydu" (got full, from doymaq), so it is only used with an
 * object, where "got full" cannot stand.
 */
const AZ_HURTS =
  '(?<!(?:zəng|qol|göz|imza|səs|əl|pul|qapını|qapıya|pəncərəni) )(?:döyür|döyürlər|döydü|döydülər|döyüb|döyüblər|döyəcək|döyəcəklər|döyürdü|vurur|vururlar|vurdu|vurdular|vurub|vurublar|vuracaq|boğur|boğdu|boğurdu|boğmaq istəyir)';
/** Azerbaijani: people who may hurt someone at home or at work. */
const AZ_WHO =
  '(?:ərim|həyat yoldaşım|yoldaşım|arvadım|keçmiş ərim|atam|ögey atam|qardaşım|qaynatam|qayınatam|qaynanam|qayınanam|işəgötürən|işəgötürənim|müdirim|ev sahibi|polis)';

// ---------------------------------------------------------------------------------------------

export const CRISIS_LEXICON: CrisisLexicon = {
  suicide: {
    en: [
      // "suicide bomber/attack" is news about a war someone fled, not their own intent.
      { id: 'suicide.en.suicide', pattern: 'suicid~(?! (?:bomb|attack)~)' },
      // "I'm killing myself at this job" is an idiom for overwork.
      { id: 'suicide.en.kill_myself', pattern: '(?:kill|killing|kills|killed|end|ending|hang|hanging|shoot) (?:myself|my self|meself)(?! (?:working|at work|at this job|over))' },
      { id: 'suicide.en.end_life', pattern: '(?:end|ending|take|taking) my (?:own )?life|(?:end|ending) it all' },
      { id: 'suicide.en.method', pattern: '(?:jump|jumping|throw myself|throwing myself) (?:off|from|in front of|under) (?:a |the )?(?:bridge|roof|building|window|balcony|train|car|bus)' },
      // "I want to die my hair": a common misspelling of "dye".
      { id: 'suicide.en.want_die', pattern: '(?:want|wanna|wish|wishing|ready|would like|rather) (?:to )?die(?! (?:my|her|his|the) hair)|(?:better off|rather be|wish i (?:was|were)) dead' },
      // "I don't want to live in a hostel / with my parents / here" is about housing.
      {
        id: 'suicide.en.not_live',
        pattern:
          '(?:dont|do not|no longer|not) (?:really )?(?:want|wanna|wish) (?:to )?(?:live|be alive|exist|wake up)(?! (?:in|with|at|near|there|here|on|under|together|alone|apart|separately|far|abroad|outside|by|close|early|so early|before|tomorrow)(?![\\p{L}]))',
      },
      { id: 'suicide.en.no_reason', pattern: '(?:no reason|no point|no sense) (?:to live|in living|living)|nothing (?:left )?to live for|(?:life is )?not worth living' },
      // "I hurt myself at work" is an injury; self-harm is ongoing or intended.
      { id: 'suicide.en.self_harm', pattern: 'self harm~|(?:want|wanna|going|thinking about|thoughts of|urge) (?:to )?(?:hurt|harm|cut|hurting|harming|cutting) myself|(?:harming|hurting|cutting) myself' },
    ],
    ru: [
      // "покончить с долгами / с этим" (be done with debts, with it) is not suicide.
      // In Latin letters "suicid~" would be the English word, "suicide bomber" included: the
      // translit is written out without it.
      {
        id: 'suicide.ru.suicide',
        pattern: 'суицид~|самоубийств~|поконч~ (?:жизнь самоубийством|с собой|с жизнью)|налож~ на себя руки',
        latin: 'samoubi(?:y|i|j)?stv~|pokon(?:ch|4)~ (?:(?:zh|j)izn~ samoubi~|s soboy|s soboi|s soboj|s (?:zh|j)izn~)|nalo(?:zh|j)~ na seb(?:ya|ia|ja|a) ruki',
      },
      { id: 'suicide.ru.kill_self', pattern: '(?:убить|убью|убиваю|убьет|убил|убила) себя|себя (?:убить|убью)' },
      { id: 'suicide.ru.want_die', pattern: '(?:хочу|хочется|хотела? бы) (?:…)?(?:умереть|сдохнуть)(?! (?:от смеха|со смеху|от скуки))|лучше бы (?:я |мне )?умер~|лучше (?:мне )?умереть' },
      // "не хочу жить в общежитии / с родителями / здесь" is about housing.
      {
        id: 'suicide.ru.not_live',
        pattern:
          'не (?:хочу|хочется|хотим|хочет|желаю) (?:больше |уже |так |дальше )?жить(?! (?:в|во|с|со|у|на|под|при|здесь|там|тут|одн~|вместе|рядом|далеко|отдельно|за|по|около|возле|без)(?![\\p{L}]))|жить (?:так |больше |уже |так больше )?не (?:хочу|хочется|хотим)|не могу (?:больше )?так жить|так (?:больше )?жить не могу',
      },
      { id: 'suicide.ru.no_reason', pattern: '(?:незачем|не для чего|не за чем|нет смысла|нет причин) жить|жить (?:незачем|не для чего|нет смысла)' },
      // "повесить" (hang a picture) is not listed: only the reflexive forms.
      { id: 'suicide.ru.method', pattern: 'повес(?:иться|ится|илась|ился|ишься)|повешусь|(?:вскрыть|вскрою|вскрыла) (?:себе )?вены|(?:выпрыгну|спрыгну|брошусь|броситься) (?:из окна|с крыши|с моста|под поезд|под машину)' },
      { id: 'suicide.ru.self_harm', pattern: '(?:навредить|наврежу) себе|причин~ себе (?:боль|вред)|(?:режу|резать|порезать|порезала|порезал) себе (?:руки|вены)|режу себя' },
    ],
    az: [
      // "intiharçı" (suicide bomber) and "intihar hücumu" (suicide attack) are war news; the
      // Turkish "intihar saldırısı" too (this cue is tried first and reads Turkish as well).
      { id: 'suicide.az.intihar', pattern: 'intihar(?!çı)~(?! (?:hücum|saldır|bombacı|eylem)~)' },
      // özümü öldürmək / öldürəcəm / öldürərəm (kill myself); özümü asmaq (hang myself).
      { id: 'suicide.az.kill_self', pattern: 'özümü …öldür~|öldür(?:əcəm|əcəyəm|ərəm|mək istəyirəm) özümü|özümü (?:asmaq|asacam|asacağam|asaram|asacaq)|özümü (?:…)?(?:atmaq|atacam|atacağam|ataram) (?:pəncərədən|körpüdən|damdan|maşının altına)' },
      { id: 'suicide.az.qesd', pattern: '(?:canıma|özümə|həyatıma) qəsd~|həyatıma son (?:qoy|ver)~|özümə (?:zərər|xəsarət|ziyan) (?:ver|yetir|vur)~' },
      // ölmək (die) and olmaq (be) fold apart thanks to vowel harmony: "olmek" is never "olmaq".
      { id: 'suicide.az.want_die', pattern: 'ölmək (?:istəyir|arzu|istərdim)~|kaş (?:…)?öləydim|ölsəm (?:daha )?yaxşı~|ölümü arzula~' },
      // "Bakıda / burada / onunla / tək yaşamaq istəmirəm" is about housing: a word in the
      // locative (-da/-də/-ta/-tə) or comitative (-la/-lə) just before it excludes it.
      {
        id: 'suicide.az.not_live',
        pattern: '(?<!(?:\\p{L}(?:da|də|ta|tə|la|lə)|tək|tənha|ayrı|ayrıca) )yaşamaq istəmir~',
      },
      // "belə" (like this) ends in -lə too, so "belə yaşamaq istəmirəm" gets its own cue.
      { id: 'suicide.az.not_live_like_this', pattern: '(?:belə|bu cür|bu şəkildə|daha|artıq|heç) yaşamaq istəmir~' },
      { id: 'suicide.az.no_reason', pattern: '(?:yaşamağın|həyatın|həyatımın) (?:heç )?(?:bir )?mənası (?:yox|qalmayıb)~|yaşamağa dəyməz' },
    ],
    tr: [
      // "intihar" is the same word in Azerbaijani: suicide.az.intihar reads it (war news excluded).
      // "kendimi paraladım" (I worked myself to death) is an idiom; "öldür" only in the present or future.
      { id: 'suicide.tr.kill_self', pattern: 'kendimi (?:…)?öldür(?:eceğim|ecem|ücem|ürüm|mek istiyorum|meyi düşünüyorum)|kendimi (?:asacağım|asıcam|asarım|asmak istiyorum)|kendimi (?:…)?(?:köprüden|pencereden|camdan|çatıdan|balkondan) (?:atacağım|atıcam|atarım|atmak istiyorum)' },
      { id: 'suicide.tr.want_die', pattern: 'ölmek istiyor~|ölmek isterdim|keşke ölsem|keşke ölseydim|ölsem (?:daha iyi|kurtulurum)~' },
      // "burada / onunla / yalnız yaşamak istemiyorum" is about housing, as in Azerbaijani.
      {
        id: 'suicide.tr.not_live',
        pattern: '(?<!(?:\\p{L}(?:da|de|ta|te|la|le)|yalnız|tek|ayrı) )yaşamak istemiyor~|(?:artık|böyle|bu şekilde|hiç) yaşamak istemiyor~',
      },
      { id: 'suicide.tr.no_reason', pattern: 'yaşamak için (?:hiçbir )?(?:sebebim|nedenim) (?:yok|kalmadı)|yaşamanın (?:hiçbir )?anlamı (?:yok|kalmadı)|hayatımın (?:hiçbir )?anlamı kalmadı' },
      { id: 'suicide.tr.self_harm', pattern: 'kendime zarar (?:ver|veriyor|vereceğim|vermek)~|kendimi kesiyor~|bileklerimi kes~' },
    ],
    uz: [
      // Uzbek patterns: oʻ and gʻ are written ŏ and ğ (see normaliseForMatching); "[ŏo]" where
      // the letter without its mark is not another word. "oʻzimni rasmga oldirdim" (had my photo
      // taken, from olmoq) shares the letters of "oʻldirmoq" (kill), hence the unless.
      { id: 'suicide.uz.kill_self', pattern: '[ŏo]zimni (?:…)?[ŏo]ldir(?:aman|moqchiman|ib qŏyaman|ib qoyaman|ib yuboraman)|[ŏo]zimni (?:osaman|osib qŏyaman|osib qoyaman|osmoqchiman)', unless: 'rasm~|surat~|foto~' },
      { id: 'suicide.uz.qasd', pattern: 'joni(?:m|mga|ga) qasd~|[ŏo]z joniga qasd~|suitsid~|hayotimga (?:nuqta|chek) (?:qŏy|qoy)~' },
      // "Toshkentda / bu yerda / u bilan yashashni xohlamayman" is about housing.
      {
        id: 'suicide.uz.not_live',
        pattern: '(?<!(?:\\p{L}(?:da|de|ta|te)|bilan|yolğiz|yolgiz|alohida) )(?:yashagim kelmay~|yashashni (?:xohlamayman|istamayman))|hayotdan (?:tŏydim|toydim|bezdim|charchadim)',
      },
      // "ŏl-" (die) needs its mark: without it "olgim keladi" is "I want to buy / take it".
      { id: 'suicide.uz.want_die', pattern: 'ŏlgim kel~|ŏlishni (?:xohlayman|istayman)|ŏlsam (?:yaxshi|qutulaman)~|dunyodan ketgim kel~' },
    ],
    uk: [
      // "покінчити з боргами" (be done with debts) is not suicide.
      { id: 'suicide.uk.suicide', pattern: 'суїцид~|самогубств~|покінч~ (?:життя самогубством|з собою|з життям)|накласти на себе руки' },
      { id: 'suicide.uk.kill_self', pattern: '(?:вбити|вбю|убю|убити|вбиваю) себе|себе (?:вбити|вбю)' },
      { id: 'suicide.uk.want_die', pattern: '(?:хочу|хочеться|хотіла? б) (?:…)?померти(?! (?:від сміху|зі сміху|від нудьги))|краще б (?:я )?помер~|краще (?:мені )?померти' },
      // "не хочу жити в гуртожитку / з батьками / тут" is about housing.
      {
        id: 'suicide.uk.not_live',
        pattern:
          'не (?:хочу|хочеться|хочемо) (?:більше |вже |так |далі )?жити(?! (?:в|у|з|із|зі|на|під|при|тут|там|окремо|разом|поруч|далеко|біля|без|одн~)(?![\\p{L}]))|жити (?:так |більше |вже )?не (?:хочу|хочеться)|не можу (?:більше )?так жити',
      },
      { id: 'suicide.uk.no_reason', pattern: '(?:нема|немає) (?:сенсу|для чого|навіщо) жити|жити (?:нема|немає) (?:сенсу|для чого|навіщо)|нема заради чого жити' },
      { id: 'suicide.uk.method', pattern: 'повіс(?:итися|итись|илася|ився)|повішуся|(?:перерізати|переріжу|різати) (?:собі )?вени|(?:вистрибну|стрибну|кинуся) (?:з вікна|з даху|з мосту|під поїзд|під машину)' },
      { id: 'suicide.uk.self_harm', pattern: '(?:завдаю|завдати|завдавати) собі (?:болю|шкоди)|(?:ріжу|різати|порізала|порізав) (?:собі )?руки|ріжу себе' },
    ],
    fa: [
      // Persian patterns are folded like the message (foldPersian): write "میخواهم" joined,
      // never "می ?". "انتحاری" (suicide bomber, suicide attack) is war news.
      { id: 'suicide.fa.suicide', pattern: 'خود ?کشی|انتحار(?![\\p{L}])' },
      // "خودمو کشتم تا…" (I tried my hardest to…) is an idiom in the past: only present and future.
      { id: 'suicide.fa.kill_self', pattern: '(?:خودم را|خودمو|خود را) (?:…)?(?:میکشم|بکشم|خواهم کشت|دار میزنم|حلق ?آویز میکنم)|(?:خودم را|خودمو) (?:…)?(?:از )?(?:پل|بام|پشت ?بام|پنجره|ساختمان) (?:…)?(?:پرت میکنم|میاندازم|میندازم)' },
      { id: 'suicide.fa.want_die', pattern: '(?:میخواهم|میخوام|دلم میخواهد|دلم میخواد) (?:…)?بمیرم|کاش (?:…)?(?:میمردم|بمیرم|مرده بودم)|آرزوی مرگ' },
      // "اینجا / در باکو / با او نمیخواهم زندگی کنم" is about housing.
      {
        id: 'suicide.fa.not_live',
        pattern: '(?<!(?:اینجا|آنجا|اونجا|تنها|با \\p{L}+|در \\p{L}+) )(?:نمیخواهم|نمیخوام) (?:دیگر |دیگه )?زندگی کنم(?! (?:در|با|اینجا|آنجا|تنها))|(?:دیگر|دیگه) (?:نمیخواهم|نمیخوام) زنده (?:باشم|بمانم|بمونم)|از زندگی (?:خسته|سیر) (?:شدهام|شده ام|شدم|هستم)',
      },
      { id: 'suicide.fa.no_reason', pattern: 'دلیلی برای زندگی (?:ندارم|نمانده)|زندگی (?:…)?(?:ارزش|معنی|معنا)~ (?:ندارد|نداره)|هیچ امیدی به زندگی ندارم' },
      { id: 'suicide.fa.self_harm', pattern: 'به خودم (?:آسیب|صدمه) (?:میزنم|بزنم)|رگ(?:م|مو|م را|های دستم را)? (?:میزنم|بزنم)|خودزنی میکنم' },
    ],
  },

  violence: {
    en: [
      {
        id: 'violence.en.hurts_me',
        pattern: `${EN_WHO} (?:…)?(?:beats|beat|beating|slaps|slapped|slapping|kicks|kicked|kicking|punches|punched|punching|chokes|choked|choking|strangles|strangled|strangling|hurts|hurt|abuses|abused|abusing|attacks|attacked|rapes|raped|burns|burned|burnt|stabs|stabbed) ${EN_WHOM}(?! (?:at|in) ${EN_GAMES}| to it)`,
      },
      // "hit" alone: "it hit me that…" has no violent subject; "hit me up" is slang for "call me".
      { id: 'violence.en.hit_me', pattern: `${EN_WHO} (?:…)?(?:hits|hit|hitting) ${EN_WHOM}(?! up| back| at ${EN_GAMES})` },
      // "I was beaten at football" / "we were beaten 3-0" are about games.
      { id: 'violence.en.beaten', pattern: `(?:was|were|got|get|getting|been|am|are|being) beaten(?: up)?(?! (?:at|in) ${EN_GAMES}| \\d| by (?:\\d|one|two|three|four|five))|beat (?:me|us|him|her) up` },
      { id: 'violence.en.abuse', pattern: '(?:being|was|am|were|get|got) (?:physically |sexually )?abused|abusive (?:husband|partner|boyfriend|father|relationship|marriage|family|employer|boss)|domestic (?:violence|abuse)' },
      // "the heat / this job is killing me" has no violent subject.
      {
        id: 'violence.en.threat_kill',
        pattern: `${EN_WHO}(?<!(?:mother|mom|mum)) (?:…)?(?:will|wants to|want to|going to|gonna|threatens to|threatened to|tried to|tries to|trying to|would) kill (?:me|us|my|our|the kids|the children|him|her)|threat~ (?:…)?to kill|(?:afraid|scared|fear|fearing|terrified) for (?:my|our) (?:life|lives)`,
      },
      // Annex 3 option 4, a homicide. "the frost killed my tomatoes": people only.
      {
        id: 'violence.en.killed',
        pattern: '(?:killed|murdered|shot|stabbed) (?:my|our) (?:husband|wife|son|daughter|child|children|brother|sister|father|mother|friend|family|parents|neighbour|neighbor|cousin)|murder~(?! (?:mystery|series|film|movie|book))',
        // Refugees often tell how a relative was killed in the war they fled: their history, not
        // an incident now (the case worker hears it at the meeting).
        unless: 'war|bombing|airstrike|shelling',
      },
      // "rapping" collapses to "raping", so only rape/raped/rapist.
      { id: 'violence.en.sexual', pattern: 'rape|raped|rapist|sexually (?:assaulted|abused|harassed)|sexual (?:assault|abuse|violence)|molest~' },
    ],
    ru: [
      // "меня бьёт озноб / кашель" (I have the chills, a coughing fit) is an illness.
      { id: 'violence.ru.whom_hurts', pattern: `${RU_WHOM} (?:…)?${RU_HURTS}(?! (?:озноб|дрож~|током|лихорад~|кашель|мелк~))` },
      // Games excluded in case someone says it of a match ("бил его в шахматы").
      { id: 'violence.ru.hurts_whom', pattern: `${RU_HURTS} (?:…)?${RU_WHOM}(?! (?:в|во) (?:футбол|шахмат~|карт~|игр~|нарды|теннис))` },
      // With a subject and no object, "бил" is left out: "брат бил рекорды" (broke records).
      {
        id: 'violence.ru.who_hurts',
        pattern: '(?:муж|жена|сожитель|партнер|парень|бывший|отец|отчим|папа|брат|свекор|свекровь|хозяин|работодатель|начальник|бригадир) (?:…)?(?:бьет|бьют|избива~|избил~|подн(?:имает|ял) руку)(?! рекорд~)|подн(?:им|ял)~ (?:на (?:меня|нас|детей|жену) руку|руку на (?:меня|нас|детей|жену))',
      },
      // "насилие" alone is too broad ("мы бежали от войны и насилия"): domestic violence only.
      { id: 'violence.ru.domestic', pattern: 'домашн~ насили~|насилие в семье|семейн~ насили~|(?:подвергаюсь|подвергается|терплю|терпит) (?:…)?(?:насили~|побо(?:и|ев|ям)|издевательств~)|побои|побоев' },
      // "убить время" (kill time) has no threatened person; "жара меня убивает" (hyperbole) uses
      // "убивает", which is not listed; "мама меня убьёт" (if she finds out) is a figure of speech,
      // and "эта работа меня убьёт" (this job will kill me) hyperbole.
      {
        id: 'violence.ru.threat_kill',
        pattern:
          '(?<!(?:мама|мать|мамка|бабушка|работа|жара|учеба|экзамен|дорога|эта|это|этот) )(?:убьет|убьют|прибьет|зарежет|задушит) (?:…)?(?:меня|нас|детей|ребенка)|(?<!(?:мама|мать|мамка|бабушка|работа|жара|учеба|экзамен|дорога|эта|это|этот) )(?:меня|нас|детей|ребенка) (?:…)?(?:убьет|убьют|прибьет|зарежет|задушит)|(?:угрожа~|грозит~|грозится|обещает|хочет|хотят|пытал~|пытается) (?:…)?(?:убить|прибить|зарезать|задушить)(?! время)|боюсь за (?:свою |нашу )?жизнь',
      },
      {
        id: 'violence.ru.killed',
        pattern: 'убил~ (?:моего|мою|моих|нашего|нашу|наших) ~|убили (?:мужа|брата|сына|отца|жену|сестру|дочь|мать|маму)|(?:мужа|брата|сына|отца|жену|сестру|дочь|мать|маму) (?:…)?убили',
        unless: 'войн~|бомбежк~|обстрел~',
      },
      { id: 'violence.ru.sexual', pattern: 'изнасил~|насилует|насиловал~|сексуальн~ (?:насили~|домогательств~)|домогает~|домогал~' },
    ],
    az: [
      // A ball can hit someone too ("top məni vurdu").
      { id: 'violence.az.whom_hurts', pattern: `${AZ_WHOM} (?:…)?${AZ_HURTS}|${AZ_HURTS} ${AZ_WHOM}`, unless: 'top|topu|topla' },
      // Without an object only the forms that cannot mean "got full": not döydü (doydu).
      { id: 'violence.az.who_beats', pattern: `${AZ_WHO} (?:…)?(?<!(?:qapını|qapıya|pəncərəni) )(?:döyür|döyürlər|döyürdü|döyüb|döyəcək)` },
      // "zorakılıq" alone is too broad ("müharibədən və zorakılıqdan qaçdıq"): domestic only.
      { id: 'violence.az.domestic', pattern: 'döyülürəm|döyülmüşəm|döyüldüm|döyülürük|döyüldük|(?:ailə|məişət) zorakılığ~|zorakılığa (?:…)?məruz qal~|(?:mənə|bizə) (?:qarşı )?zorakılıq~|(?:mənə|bizə|uşaqlara|uşağa|anama|qızıma) (?:…)?əl qaldır~' },
      // "bu isti məni öldürür" (this heat is killing me) is hyperbole: no present tense here;
      // "bu iş / bu imtahan məni öldürəcək" (this job / this exam will kill me) too, and "anam
      // məni öldürəcək" (if she finds out) is a figure of speech, as in Russian.
      {
        id: 'violence.az.threat_kill',
        pattern: `(?<!(?:^|[^\\p{L}])(?:iş|işim|bu|isti|soyuq|yol|tıxac|imtahan|dərs|borc|kredit|kirayə|anam|nənəm) )${AZ_WHOM} (?:…)?(?:öldürəcək|öldürəcəklər|öldürər|öldürmək istəyir~)|öldürməklə (?:…)?hədələyir~|öldürəcəyini (?:deyir|söyləyir|deyib)`,
      },
      // Annex 3 option 4 wording is "qətl hadisəsi". "Xocalı qətliamı" (a massacre in history
      // lessons and memorials) is not one.
      {
        id: 'violence.az.killed',
        pattern: '(?:ərimi|qardaşımı|atamı|oğlumu|qızımı|anamı|bacımı|arvadımı|dostumu) (?:…)?öldür(?:dülər|dü|üblər|üb)|qətl(?!iam)~ (?:hadisə|yetir)~|qətlə yetir~',
        unless: 'müharibə~|bombardman~|atəşkəs~',
      },
      // "təcavüz" alone is "aggression" ("Ermənistanın təcavüzü"); "zorlayır" alone is "forces"
      // (məni işləməyə zorlayır = exploitation), so only past forms and the passive.
      {
        id: 'violence.az.sexual',
        pattern: '(?:mənə|ona|qızıma|bizə|bacıma) (?:…)?təcavüz (?:etdi|edib|edir|ediblər|etdilər|etmək istə~)|(?:məni|qızımı|bizi) (?:zorladı|zorlayıb|zorladılar|zorlayıblar)|zorlandım|cinsi (?:zorakılıq|təcavüz|istismar)~',
      },
    ],
    tr: [
      // A ball can hit someone too ("top bana çarptı"); "dövmek" is only beating.
      { id: 'violence.tr.whom_hurts', pattern: '(?:beni|bizi|çocukları|çocuklarımı|kızımı|oğlumu|annemi) (?:…)?(?:dövüyor|dövüyorlar|dövdü|dövdüler|döver|döverler|dövecek|dövecekler|boğuyor|boğdu|boğmaya çalış~)' },
      // "kocam gol attı" is football: "vurmak" only with a person hurting at home or work.
      {
        id: 'violence.tr.who_beats',
        pattern: '(?:kocam|karım|eşim|babam|üvey babam|abim|ağabeyim|kardeşim|kayınpederim|kayınvalidem|patronum|işverenim|ev sahibi) (?:…)?(?:dövüyor|dövdü|döver|vuruyor|tokat atıyor|tokat attı|tekmeliyor|tekmeledi)',
        unless: 'gol|top|topa|kapıyı|kapıya',
      },
      { id: 'violence.tr.domestic', pattern: '(?:aile içi|ev içi) şiddet|şiddet görüyor~|şiddete maruz~|dayak yiyor~|dayak yedim|(?:bana|bize|çocuklara|çocuğa) (?:…)?el kaldır~' },
      // "bu iş / bu sıcak beni öldürecek" (this job / this heat will kill me) is hyperbole, and
      // "annem beni öldürecek" (if she finds out) a figure of speech.
      {
        id: 'violence.tr.threat_kill',
        pattern: '(?<!(?:^|[^\\p{L}])(?:iş|işim|sıcak|soğuk|yol|trafik|sınav|ders|borç|kira|annem|anam|babaannem|anneannem) )(?:beni|bizi|çocukları) öldür(?:ecek|ecekler|ür|ürler|mek istiyor|meye çalışıyor)~|öldürmekle tehdit~|(?:canımdan|hayatımdan) korkuyorum',
      },
      {
        id: 'violence.tr.killed',
        pattern: '(?:kocamı|kardeşimi|babamı|oğlumu|kızımı|annemi|eşimi|ablamı|arkadaşımı) (?:…)?öldür(?:düler|dü|müşler|müş)',
        unless: 'savaş~|bomba~|çatışma~',
      },
      // "tecavüz" alone may be a border or a right ("hak ihlali"): only against a person.
      { id: 'violence.tr.sexual', pattern: '(?:bana|ona|kızıma|bize|kardeşime) (?:…)?tecavüz (?:etti|ettiler|ediyor|etmeye çalış)~|tecavüze uğra~|cinsel (?:saldırı|istismar|taciz)~' },
    ],
    uz: [
      // "eshikni urdi" (knocked at the door) has no person as object.
      { id: 'violence.uz.whom_hurts', pattern: '(?:meni|bizni|bolalarni|bolalarimni|qizimni|ŏğlimni|oglimni|onamni) (?:…)?(?:uryapti|uryaptilar|uradi|urishadi|urdi|urishdi|kaltakla~|dŏpposla~|dopposla~|bŏğdi|bŏğyapti)' },
      {
        id: 'violence.uz.who_beats',
        pattern: '(?:erim|xotinim|otam|ŏgay otam|ogay otam|akam|qaynotam|qaynonam|xŏjayin~|xojayin~|ish beruvchi~) (?:…)?(?:uryapti|uradi|urdi|kaltakla~|dŏppos~|doppos~)',
        unless: 'eshik~|top~|gol',
      },
      { id: 'violence.uz.domestic', pattern: 'oilaviy (?:zŏravonlik|zoravonlik)|(?:zŏravonlik|zoravonlik)ka (?:uchrayapman|uchradim)|kaltak (?:yeyapman|yedim|yeymiz)' },
      // "bu ish meni ŏldiradi" (this job will kill me) is hyperbole.
      {
        id: 'violence.uz.threat_kill',
        pattern: '(?<!(?:^|[^\\p{L}])(?:ish|issiq|sovuq|yŏl|yol|imtihon|dars|qarz|onam|oyim) )(?:meni|bizni|bolalarni) (?:…)?[ŏo]ldir(?:adi|ishadi|moqchi|aman deyapti|aman dedi)~|[ŏo]ldirish bilan (?:qŏrqit|qorqit|tahdid)~',
      },
      {
        id: 'violence.uz.killed',
        pattern: '(?:erimni|akamni|otamni|ŏğlimni|oglimni|qizimni|onamni|ukamni) (?:…)?[ŏo]ldir(?:ishdi|di|ib ketishdi)',
        unless: 'urush~|bomba~',
      },
      // "zŏrlab ishlatishadi" (they force me to work) is exploitation, not rape.
      { id: 'violence.uz.sexual', pattern: '(?:meni|qizimni|singlimni) (?:…)?(?:zŏrla|zorla)(?:shdi|di|moqchi)(?! (?:ishga|ishlashga))|nomusiga teg~|jinsiy (?:zŏravonlik|zoravonlik|tajovuz)~' },
    ],
    uk: [
      // "мене б'є лихоманка / дрож" (I have a fever, the shivers) is an illness.
      // "нас побили в футбол" (we lost at football) is a game.
      { id: 'violence.uk.whom_hurts', pattern: `${UK_WHOM} (?:…)?${UK_HURTS}(?! (?:лихоманк~|дрож~|струм~|кашель|пропасниц~)| (?:в|у) (?:футбол|шахмат~|карт~|гр~|теніс))` },
      { id: 'violence.uk.hurts_whom', pattern: `${UK_HURTS} (?:…)?${UK_WHOM}(?! (?:в|у) (?:футбол|шахмат~|карт~|гр~|теніс))` },
      {
        id: 'violence.uk.who_hurts',
        pattern: '(?:чоловік|дружина|співмешканець|партнер|хлопець|колишній|батько|вітчим|тато|брат|свекор|свекруха|господар|роботодавець|начальник|бригадир) (?:…)?(?:бє|бють|побив|побила|знущається|підн(?:імає|яв) руку)(?! рекорд~)',
      },
      // "насильство" alone is too broad ("ми тікали від війни і насильства"): domestic only.
      { id: 'violence.uk.domestic', pattern: 'домашн~ насильств~|насильств~ в сімї|(?:зазнаю|зазнає|терплю|терпить) (?:…)?(?:насильств~|побо(?:ї|їв)|знущан~)|побої' },
      // "ця робота мене вбє" (this job will kill me) is hyperbole; "мама мене вбє" a figure of speech.
      {
        id: 'violence.uk.threat_kill',
        pattern:
          '(?<!(?:мама|мати|бабуся|робота|спека|навчання|іспит|ця|це|цей) )(?:вбє|вбють|убє|убють|заріже|задушить) (?:…)?(?:мене|нас|дітей|дитину)|(?<!(?:мама|мати|бабуся|робота|спека|навчання|іспит|ця|це|цей) )(?:мене|нас|дітей|дитину) (?:…)?(?:вбє|вбють|убє|убють|заріже|задушить)|(?:погрожу~|грозить~|хоче|хочуть|намага~) (?:…)?(?:вбити|убити|зарізати|задушити)(?! час)|боюся за (?:своє |наше )?життя',
      },
      {
        id: 'violence.uk.killed',
        pattern: 'вбили (?:чоловіка|брата|сина|батька|дружину|сестру|доньку|матір|маму)|(?:чоловіка|брата|сина|батька|дружину|сестру|доньку|матір|маму) (?:…)?вбили',
        // Ukrainians often tell how a relative was killed in the war: their history.
        unless: 'війн~|обстріл~|бомб~|ракет~|фронт~',
      },
      { id: 'violence.uk.sexual', pattern: 'зґвалтув~|згвалтув~|зґвалтуван~|згвалтуван~|ґвалтує|гвалтує|сексуальн~ (?:насильств~|домаган~)|домагає~|домагав~' },
    ],
    fa: [
      // "صدا زد" (called), "زنگ زد" (phoned), "حرف زد" (talked): "زد" only as hitting.
      {
        id: 'violence.fa.whom_hurts',
        pattern: '(?:مرا|منو|من را|ما را|مارو|بچه ?ها را|بچه ?هامو|بچه ?هایم را|دخترم را|دخترمو) (?:…)?(?<!(?:صدا|زنگ|حرف|داد|سر|قدم|گول|جار|ناخنک|حدس|لبخند) )(?:کتک )?(?:میزند|میزنه|میزنند|میزنن|زد|زدند|زدن)',
      },
      { id: 'violence.fa.who_beats', pattern: '(?:شوهرم|همسرم|پدرم|ناپدریم|برادرم|پدر ?شوهرم|مادر ?شوهرم|کارفرمایم|کارفرما|صاحب ?کارم|صاحبخانه) (?:…)?کتک (?:میزند|میزنه|میزنند|زد|زدند)' },
      { id: 'violence.fa.domestic', pattern: 'خشونت (?:خانگی|خانوادگی)|(?:مورد|زیر) (?:خشونت|ضرب و شتم) (?:قرار )?(?:میگیرم|گرفتم|هستم)|کتک (?:میخورم|خوردم|میخوریم)|(?:روی|رو) (?:من|ما|بچه ?ها) دست (?:بلند )?(?:میکند|میکنه|کرد)' },
      // "این کار / گرما منو میکشه" (this job / the heat is killing me) is hyperbole; "میکشد"
      // also means "draws" or "smokes", hence a person as its object.
      {
        id: 'violence.fa.threat_kill',
        pattern: '(?<!(?:کار|گرما|سرما|راه|امتحان|درس|قرض|مادرم|مامانم|این) )(?:مرا|منو|من را|ما را|مارو|بچه ?هامو|بچه ?هایم را) (?:…)?(?:میکشد|میکشه|میکشند|میکشن|خواهد کشت|بکشد|بکشه|بکشند)|تهدید (?:…)?به (?:قتل|کشتن)|از جانم (?:میترسم|میترسیم)',
      },
      {
        id: 'violence.fa.killed',
        pattern: '(?:شوهرم|برادرم|پدرم|پسرم|دخترم|مادرم|خواهرم|همسرم|دوستم) (?:را |رو )?(?:…)?کشتند|(?:شوهرم|برادرم|پدرم|پسرم|دخترم|مادرم|خواهرم|همسرم) (?:…)?(?:به قتل رسید|کشته شد)',
        // Afghans often tell how a relative was killed in the war they fled: their history.
        unless: 'جنگ|طالبان|انفجار|بمب~|انتحاری|حمله',
      },
      // "تجاوز" alone is also aggression against a country: only against a person.
      { id: 'violence.fa.sexual', pattern: '(?:به من|بهم|به او|به دخترم|به زنم|به خواهرم|به ما) (?:…)?تجاوز~|(?:مورد )?تجاوز (?:جنسی )?قرار (?:گرفتم|گرفت|گرفته)|(?:آزار|خشونت|تجاوز) جنسی' },
    ],
  },

  exploitation: {
    en: [
      // "I took my passport to the embassy": ambiguous verbs only with someone else as subject.
      {
        id: 'exploitation.en.passport',
        pattern: `${EN_KEEPER} (?:…)?(?:took|taken|take|kept|keep|has|have|hid|hide|holds|hold|stole|confiscated) (?:away )?(?:my|our) (?:passport|passports|documents|papers|id)(?! (?:to (?:translate|copy|scan|the)|for (?:translation|a copy|copying|checking|the visa|my visa)))|(?:takes|took away|confiscated|confiscate|confiscates|withhold|withholds|withheld|keeps|is keeping|are keeping|hides|is holding|are holding) (?:…)?(?:my|our) (?:passport|passports|documents|papers)|(?:passport|passports|documents|papers) (?:was|were|has been|have been|got) (?:taken|confiscated|kept) (?:away|from me|from us|by)|(?:wont|will not|doesnt|does not|dont|refuses to|refused to|refuse to) (?:give|return) (?:me |us )?(?:back )?(?:my|our) (?:passport|passports|documents|papers)`,
      },
      // "my employer pays late" is a labour dispute, not exploitation; not matched.
      { id: 'exploitation.en.forced_work', pattern: '(?:force|forces|forced|forcing|make|makes|made|making) (?:me|us|them|her|him) (?:to )?work(?! (?:hard|harder|on|out|overtime))|(?:forced|made) to work|work~ (?:…)?without (?:any )?(?:pay|payment|salary|wages|money)' },
      // "traffic" (cars) collapses to "trafic" and has no k.
      {
        id: 'exploitation.en.trafficking',
        pattern: 'traffick~|sold (?:me|us|her|him|my (?:daughter|son|wife|sister))|(?:forced|force|forcing|made|make|makes) (?:me |us |her )?(?:into |to )?(?:prostitution|have sex|sleep with|sex work)|debt bondage',
      },
      // "my boss doesn't let me leave early" is about hours.
      {
        id: 'exploitation.en.confined',
        pattern: '(?:wont|dont|do not|doesnt|does not|never) (?:let|allow) (?:me|us) (?:to )?(?:leave|go out|go home|out)(?! (?:early|before|until|till|on time|at night|late))|not (?:allowed|permitted) to (?:leave|go out|go home)(?! (?:early|before|until|till|at night|late))|locked (?:me|us) (?:in|up)|keep~ (?:me|us) locked|against my will',
      },
    ],
    ru: [
      // "я забрала паспорт" (I picked up my passport) is ordinary: "забрал/а" only with "у меня".
      {
        id: 'exploitation.ru.passport',
        pattern:
          '(?:отобрал~|отнял~|изъял~|удержива~|держат у себя|прячут|спрятал~|не (?:отдают|отдает|отдал|отдала|отдали|возвращают|возвращает|вернул|вернула|вернули)) (?:…)?(?:паспорт~|документ~)|(?:паспорт~|документ~) (?:…)?(?:отобрал~|отняли|удерживает|удерживают|не отдает|не отдают|не возвращает|не возвращают)|у (?:меня|нас) (?:…)?забрал~ (?:…)?(?:паспорт~|документ~)|забрал~ у (?:меня|нас) (?:…)?(?:паспорт~|документ~)|(?<!(?:мы|ми) )забрали (?:мой |наши |мои |все )?(?:паспорт~|документ~)|(?:работодател~|хозя~|начальник~|бригадир~|владел~) (?:…)?забрал~ (?:…)?(?:паспорт~|документ~)',
      },
      // "вынуждена работать на двух работах" (have to work two jobs) is not listed.
      {
        id: 'exploitation.ru.forced_work',
        pattern: '(?:заставля~|принужда~|застави~) (?:…)?работать|работа~ (?:…)?(?:бесплатно|без оплаты|без зарплаты|без денег)',
        // Volunteering for free is not exploitation.
        unless: 'волонтер~|добровольц~',
      },
      { id: 'exploitation.ru.trafficking', pattern: 'торговл~ (?:людьми|людей)|продал~ (?:меня|нас|ее|дочь|сестру|жену)|(?:меня|нас) продал~|(?:заставля~|принужда~) (?:…)?(?:к )?(?:проституц~|заниматься сексом|спать с)|долгов~ (?:рабств~|кабал~)|рабств~' },
      // "не отпускают в отпуск / пораньше" (no leave, not early) is about working hours.
      {
        id: 'exploitation.ru.confined',
        pattern: 'не (?:выпускают|выпускает|отпускают|отпускает|дают выйти|разрешают выходить|разрешает выходить)(?! (?:в отпуск|пораньше|раньше|на выходн~|в отгул))|заперл~ (?:…)?(?:меня|нас)|(?:меня|нас) (?:…)?заперл~|взаперти',
      },
    ],
    az: [
      // "Pasportumu aldım" (I received my passport) and "pasportumu alıb ASAN-a getdim" (I took
      // my passport and went) are ordinary: "al-" only with "əlimdən" (from my hands) or an
      // employer as subject.
      {
        id: 'exploitation.az.passport_taken',
        pattern: '(?:pasport|sənəd|vəsiqə)~ (?:…)?əlim(?:iz)?dən (?:…)?al~|(?:işəgötürən|müdir|sahibkar|ev sahibi)~ (?:…)?(?:pasport|sənəd|vəsiqə)~ (?:…)?(?:al(?:ıb|dı|ıblar|dılar)|götür(?:üb|dü|üblər|dülər)|vermir|vermirlər|qaytarmır~|saxlayır~)',
      },
      {
        id: 'exploitation.az.passport_kept',
        pattern: '(?:pasport|sənəd|vəsiqə)~ (?:…)?(?:alıblar|aldılar|götürüblər|götürdülər|saxlayır|saxlayırlar|saxlayıb|saxlayıblar|qaytarmır|qaytarmırlar|geri vermir|geri vermirlər|gizlədib|gizlədiblər)',
        // ASAN, the migration service and consulates keep documents while they issue them.
        unless: 'asan|miqrasiya xidmət~|dmx|səfirlik~|konsulluq~',
      },
      // "İşləməyə məcburam" (I have to work, for money) is not listed: only someone forcing.
      {
        id: 'exploitation.az.forced_work',
        pattern: '(?:pulsuz|maaşsız|maaş vermədən|pul vermədən|zorla|məcburi|kölə kimi) (?:…)?işlə(?:d|t)ir~|işləməyə (?:…)?(?:məcbur edir|məcbur edirlər|məcbur edib|məcbur ediblər|zorlayır|zorlayırlar)|məcburi əmək',
      },
      // "məni satdı" is also "betrayed me", so only the unambiguous phrases.
      { id: 'exploitation.az.trafficking', pattern: 'insan alver~|fahişəliyə (?:…)?(?:məcbur|zorla)~|borc (?:köləliy|əsarət)~|(?:məni|bizi|qızımı) (?:…)?(?:başqa ölkəyə|xaricə) sat~' },
      // "məni işdən tez buraxmırlar" (they don't let me leave work early) is about hours.
      {
        id: 'exploitation.az.confined',
        // "Məni Rusiyaya buraxmırlar" (I am banned from entering Russia) is a visa matter, so
        // "buraxmır" only with leaving the house or going home.
        pattern:
          '(?:evdən|bayıra|çölə|eşiyə|binadan|otaqdan|işdən) (?:…)?(?:çıxmağa|çıxmaq) (?:…)?(?:qoymur|qoymurlar|icazə vermir|icazə vermirlər|buraxmır|buraxmırlar)|(?:evə|evimə|vətənə|ölkəmə) (?:qayıtmağa|getməyə) (?:…)?(?:qoymur|qoymurlar|buraxmır|buraxmırlar)|(?:məni|bizi) (?:…)?(?:kilidləyib|kilidləyiblər|kilidləyirlər|qapayıblar|qapayıb)',
        unless: 'tez buraxmır~|erkən buraxmır~|məzuniyyət~|icazəyə buraxmır~',
      },
    ],
    tr: [
      // "pasaportumu aldım" (I picked up my passport) is ordinary: "aldı" only of someone else.
      {
        id: 'exploitation.tr.passport',
        pattern: '(?:pasaportumu|pasaportlarımızı|pasaportlarımızı|belgelerimi|kimliğimi|evraklarımı) (?:…)?(?:aldılar|aldı|vermiyor|vermiyorlar|geri vermiyor~|saklıyor~|el koydu~)|(?:pasaportuma|pasaportlarımıza|belgelerime) el koy~',
        // Consulates and the migration service keep documents while they issue them.
        unless: 'konsolosluk~|elçilik~|göç idaresi|göç hizmeti|dmx|asan',
      },
      // "çalışmak zorundayım" (I have to work, for money) is not listed: only someone forcing.
      { id: 'exploitation.tr.forced_work', pattern: '(?:zorla|parasız|maaşsız|maaş vermeden|köle gibi) (?:…)?çalıştır~|çalışmaya (?:…)?zorla~|zorla çalıştırıl~' },
      // "beni sattı" is also "he betrayed me": only trafficking words and selling abroad.
      { id: 'exploitation.tr.trafficking', pattern: 'insan (?:ticaret|kaçakçı)~|fuhuşa (?:…)?(?:zorla|mecbur)~|borç köleliği|(?:beni|bizi|kızımı) (?:…)?(?:başka ülkeye|yurt dışına) sattı~' },
      // "işten erken çıkmama izin vermiyor" (no leaving work early) is about hours.
      {
        id: 'exploitation.tr.confined',
        pattern: '(?:evden|dışarı|odadan|binadan) (?:…)?çıkmama (?:izin vermiyor~|müsaade etmiyor~)|(?:beni|bizi) (?:…)?(?:kilitledi~|kilitliyor~|hapsetti~|hapsediyor~)|dışarı çıkarmıyor~',
        unless: 'erken|izne|tatile',
      },
    ],
    uz: [
      {
        id: 'exploitation.uz.passport',
        pattern: '(?:pasportim|pasportimni|pasportlarimizni|hujjatlarim|hujjatlarimni) (?:…)?(?:olib (?:qŏyishdi|qoyishdi|qŏydi|qoydi)|tortib olishdi|tortib oldi|bermayapti|bermayaptilar|berishmayapti|qaytarmayapti~)',
        unless: 'konsullik~|elchixona~|migratsiya~|dmx|asan',
      },
      { id: 'exploitation.uz.forced_work', pattern: '(?:majburan|pulsiz|maoshsiz|maosh bermasdan|zŏrlab|zorlab|qul kabi) (?:…)?ishlat~' },
      { id: 'exploitation.uz.trafficking', pattern: 'odam savdo~|(?:meni|bizni|qizimni) (?:…)?sotib (?:yubor|yuborishdi|yubordi)~|fohishalikka (?:…)?majbur~' },
      // "ishdan erta chiqarmayapti" (no leaving work early) is about hours.
      {
        id: 'exploitation.uz.confined',
        pattern: '(?:uydan|tashqariga|xonadan) (?:…)?chiq(?:ar|)ma(?:yapti|yaptilar|ydi|ydilar|yapmiz)|(?:meni|bizni) (?:…)?qamab (?:qŏy|qoy)~',
        unless: 'erta|ertaroq|tatil~',
      },
    ],
    uk: [
      // "я забрала паспорт" (I picked up my passport) is ordinary: "забрав/ла/ли" (Ukrainian
      // forms, not Russian "забрал") only "у мене", by an employer or landlord, or "забрали мій".
      {
        id: 'exploitation.uk.passport',
        pattern:
          '(?:відібра~|віднял~|відняв|вилучи~|тримають у себе|ховають|сховал~|не (?:віддають|віддає|віддали|повертають|повертає|повернули)) (?:…)?(?:паспорт~|документ~)|(?:паспорт~|документ~) (?:…)?(?:відібра~|не віддають|не віддає|не повертають|не повертає)|у (?:мене|нас) (?:…)?забра(?:в|ла|ли) (?:…)?(?:паспорт~|документ~)|забра(?:в|ла|ли) у (?:мене|нас) (?:…)?(?:паспорт~|документ~)|(?:роботодав~|хазя~|господар~|власник~|бос~|начальник~) (?:…)?забра(?:в|ла|ли) (?:…)?(?:паспорт~|документ~)|(?<!ми )забрали (?:мій |мої |наші |наш |усі |всі )?(?:паспорт~|документ~)',
      },
      { id: 'exploitation.uk.forced_work', pattern: '(?:змушу~|примушу~|змусил~|примусил~) (?:…)?працювати|працю~ (?:…)?(?:безкоштовно|без оплати|без зарплати|без грошей)', unless: 'волонтер~|волонтир~' },
      { id: 'exploitation.uk.trafficking', pattern: 'торгівл~ людьми|продал~ (?:мене|нас|її|доньку|сестру|дружину)|(?:мене|нас) продал~|(?:змушу~|примушу~) (?:…)?(?:до )?(?:проституц~|займатися сексом|спати з)|рабств~' },
      {
        id: 'exploitation.uk.confined',
        pattern: 'не (?:випускають|випускає|відпускають|відпускає|дають вийти|дозволяють виходити|дозволяє виходити)(?! (?:у відпустку|в відпустку|раніше|на вихідн~))|замкнул~ (?:…)?(?:мене|нас)|(?:мене|нас) (?:…)?замкнул~|під замком',
      },
    ],
    fa: [
      // "پاسپورتم را گرفتم" (I received my passport) is ordinary: "گرفت" only of someone else.
      {
        id: 'exploitation.fa.passport',
        pattern: '(?:پاسپورتم|پاسپورت ها|پاسپورتهای ما|گذرنامه ?ام|تذکره ?ام|مدارکم|اسنادم|کارت اقامتم)(?: را| رو|و)? (?:…)?(?:گرفتهاند|گرفته اند|گرفتند|گرفتن|گرفته|گرفت|نمیدهد|نمیده|نمیدهند|نمیدن|پس نمیدهد|پس نمیده|نگه داشته~|ضبط کرد~)',
        unless: 'سفارت|کنسولگری|اداره مهاجرت|خدمات مهاجرت|dmx|asan',
      },
      // "مجبورم کار کنم" (I have to work, for money) is not listed: only someone forcing.
      { id: 'exploitation.fa.forced_work', pattern: '(?:مجبور|وادار)م (?:…)?(?:میکنند|میکنن|میکند|میکنه|کردند|کردن) (?:…)?کار|(?:به زور|مجانی|بدون (?:مزد|دستمزد|حقوق|پول)) (?:…)?کار (?:میکشند|میکشن|میکشه|میکشد|کشیدند)|بیگاری', unless: 'داوطلب~' },
      { id: 'exploitation.fa.trafficking', pattern: 'قاچاق (?:انسان|زنان|کودکان|آدم)|(?:مرا|منو|دخترم را|دخترمو|ما را) (?:…)?فروختند|(?:به زور|مجبور به) (?:…)?(?:فحشا|تن ?فروشی)' },
      {
        id: 'exploitation.fa.confined',
        pattern: '(?:نمیگذارند|نمیذارن|نمیگذارد|نمیذاره) (?:…)?(?:بیرون بروم|بیرون برم|برم بیرون|خارج شوم|از خانه بیرون|از خونه بیرون)|(?:مرا|منو|ما را|مارو) (?:…)?(?:زندانی|حبس) (?:کرده|کردند|کرد|میکنند)',
        unless: 'زودتر|زود',
      },
    ],
  },

  medical: {
    en: [
      // "hard to breathe in this heat" and "short of breath" (a symptom) are not listed.
      { id: 'medical.en.breathing', pattern: '(?:cant|cannot|can not|unable to|couldnt|struggling to) breathe|(?:not|isnt|stopped|stops|has stopped) breathing|gasping for (?:air|breath)|choking(?! hazard)' },
      // "blood test" and "nosebleed" are ordinary.
      { id: 'medical.en.bleeding', pattern: 'bleeding (?:heavily|a lot|badly|profusely|everywhere|too much|non stop)|heavy bleeding|(?:wont|doesnt|does not|cant|will not) stop bleeding|(?:a )?lots? of blood(?! (?:test|tests|pressure|sugar))|losing (?:a lot of )?blood' },
      // "my son won't wake up for school" is morning life.
      { id: 'medical.en.unconscious', pattern: 'unconscious|lost consciousness|unresponsive|passed out(?! (?:flyers|leaflets|papers|food|gifts|the|some|copies))|(?:is not|isnt|not) responding|(?:wont|doesnt|does not|isnt|is not|not|cant|can not) (?:wake|waking) up(?! (?:for|early|in time|on time|before|at|so))' },
      {
        id: 'medical.en.heart',
        pattern: 'heart attack|cardiac arrest|(?:having|had|has|is having) a stroke|chest pains?|pain in (?:my |his |her )?chest|(?:having|had|has|is having) (?:a )?(?:seizure|seizures|fit|convulsions)(?! disorder)|convulsing|asthma attack|anaphyla~',
        // Health history is an ordinary intake answer: "my father had a heart attack two years ago".
        unless: 'ago|last (?:year|month|week)|in (?:19|20)\\d\\d|history of',
      },
      { id: 'medical.en.overdose', pattern: 'overdos~|took (?:too many|a lot of|all (?:my|the)|many) (?:pills|tablets)|swallowed (?:…)?(?:pills|tablets|poison|bleach)|drank (?:bleach|poison)' },
      // "emergency contact/number" are form fields and questions, not an emergency.
      {
        id: 'medical.en.ambulance',
        pattern: '(?:call|need|send|get) (?:an |the )?ambulance|ambulance (?:now|please|asap)|(?:it is|its|this is) an emergency|medical emergency|my waters? broke|giving birth (?:now|right now)|(?:im|i am|she is|shes|wife is) in labou?r(?! (?:market|migration|law|force|union|rights|ministry))',
      },
    ],
    ru: [
      // "задыхаюсь от жары" (the heat) is hyperbole.
      { id: 'medical.ru.breathing', pattern: 'не (?:может|могу|можешь|могут) дышать|не дышит|перестал~ дышать|задыха(?:юсь|ется|емся)(?! от (?:жар~|духот~|смеха))' },
      { id: 'medical.ru.bleeding', pattern: '(?:сильн~|обильн~) кровотечени~|кровотечени~ не (?:останавлива~|прекраща~)|кровь не (?:останавлива~|перестает)|истека~ кровью|(?:много|потерял~ много) крови' },
      { id: 'medical.ru.unconscious', pattern: 'без сознания|потерял~ сознание|(?:не приходит|не пришел|не пришла) в (?:себя|сознание)|не просыпается|упал~ в обморок' },
      // "болит сердце за детей" (the heart aches for the children) is feeling, not a symptom.
      // In Latin letters "infarkt" and "insult" are also Azerbaijani, Uzbek and English words,
      // which their own cues read with their own exceptions: the translit leaves them out.
      {
        id: 'medical.ru.heart',
        pattern: 'сердечн~ приступ|инфаркт~|инсульт~|(?:сильн~ |остр~ )?боль в груди|приступ астм~|астматическ~ приступ|эпилептическ~ (?:припад~|приступ~)|припадок',
        latin: 'serde(?:ch|4)n~ pristup|(?:siln~ |ostr~ )?bol v grudi|pristup astm~|epilepti(?:ch|4)esk~ (?:pripad~|pristup~)',
        unless: 'назад|в прошлом (?:году|месяце)|перенес~|был инфаркт|был инсульт',
      },
      { id: 'medical.ru.overdose', pattern: 'передозировк~|наглотал~ (?:…)?(?:таблет~|лекарств~)|выпил~ (?:…)?(?:много|все|всю|пачку|упаковку) (?:…)?(?:таблет~|лекарств~)|выпил~ (?:уксус|яд|отрав~)|отравлени~ (?:угарным )?газом|отравил~ (?:угарным )?газом' },
      // "нужно скорее" (sooner) must not read as "скорая": only the noun's forms.
      { id: 'medical.ru.ambulance', pattern: '(?:вызов~|вызват~|вызвать|нужна|нужно|звоните|позвоните|позвонить) (?:в )?(?:скорую|скорая|скорой)|скорая (?:помощь )?(?:нужна|не едет)|отошли воды|рожаю|начались (?:роды|схватки)' },
    ],
    az: [
      // "nəfəs almaq üçün parka gedirik" (to get some air) is ordinary; only "cannot".
      { id: 'medical.az.breathing', pattern: 'nəfəs (?:…)?(?:ala bilmir|almır|ala bilmirəm|ala bilmirik)~|nəfəs(?:i|im) (?:kəsilir|kəsilib|dayanıb|getdi|tutulub|yoxdur)' },
      // "burun qanaxması" (nosebleed) is ordinary.
      { id: 'medical.az.bleeding', pattern: '(?:çox|güclü|ağır|çoxlu) qanaxma~|qanaxma (?:…)?dayanmır|qan (?:…)?(?:dayanmır|kəsilmir)|(?:çox|çoxlu) qan (?:axır|itirir|itirib|gedir)|qan içində' },
      // "bayıldı" is not listed: "qızım hədiyyəyə bayıldı" = my daughter loved the present.
      { id: 'medical.az.unconscious', pattern: 'huşunu itir~|huşsuz~|özünə gəlmir|ayılmır|ayılmayıb|huşu (?:…)?(?:getdi|gedib)' },
      // "insult" is also an English word, so only with an Azerbaijani verb.
      {
        id: 'medical.az.heart',
        pattern: 'infarkt~|ürək tutma~|ürəyi dayan~|insult (?:keçir|olub|oldu|vurub)~|sinə~ (?:…)?(?:ağrı|sancı)~|ürəyim (?:…)?sancı~|epilepsiya tutma~',
        unless: 'əvvəl|keçən (?:il|ay|həftə)|keçirmişdi~',
      },
      // "dəm vurub": carbon monoxide from a stove or gas heater, a winter emergency in Azerbaijan.
      { id: 'medical.az.overdose', pattern: '(?:çoxlu|bütün|çox) dərman (?:…)?(?:içib|içdi|içdim|içmişəm|atdı|atıb|qəbul edib|qəbul etdi)|dərmanla zəhərlən~|(?:qaz|dəm qazı)(?:dan|ndan)? zəhərlən~|dəm (?:vurub|vurdu|qazından)|zəhər içib|zəhər içdi|həddindən artıq doza' },
      // "təcili yardım lazımdır" can be "I urgently need help" (with rent, say): only calling one.
      { id: 'medical.az.ambulance', pattern: 'təcili yardım (?:…)?(?:çağırın|çağır|çağırmaq|çağırıram|gəlsin)|doğuram|doğuş (?:sancıları )?başla~' },
    ],
    tr: [
      { id: 'medical.tr.breathing', pattern: 'nefes (?:alamıyor~|almıyor)|nefesi (?:kesildi|durdu)' },
      { id: 'medical.tr.bleeding', pattern: '(?:kanama|kan) (?:…)?durmuyor|çok kan kaybed~|(?:çok|ağır|şiddetli) kanama~|kan (?:içinde|revan)' },
      // "bayıldım" is also "I loved it" (filme bayıldım): only with not waking up.
      { id: 'medical.tr.unconscious', pattern: 'bilincini kaybet~|baygın (?:yatıyor|halde|yatıyorlar)|kendine gelmiyor|uyanmıyor|ayılmıyor' },
      { id: 'medical.tr.heart', pattern: 'kalp krizi|kalbi dur~|(?:inme|felç) geçir~|göğ(?:üs|sünde|süm) (?:…)?ağrı~|sara nöbeti|astım krizi', unless: 'önce|geçen (?:yıl|ay|hafta)|geçirmişti' },
      { id: 'medical.tr.overdose', pattern: 'aşırı doz|(?:çok|bütün|tüm|bir kutu) (?:…)?(?:ilaç|hap)~ (?:…)?(?:içti|içtim|yuttu|yuttum)|zehir içti~|(?:sobadan|karbonmonoksit|gazdan) zehirlen~' },
      { id: 'medical.tr.ambulance', pattern: 'ambulans (?:…)?(?:çağır~|lazım|gönder~|gelsin)|acil ambulans|doğuruyorum|doğum sancı~ başladı|suyum geldi' },
    ],
    uz: [
      { id: 'medical.uz.breathing', pattern: 'nafas (?:ololmay~|olmayapti)|nafasi (?:tŏxta~|toxta~|qisilyapti|bŏğil~)' },
      { id: 'medical.uz.bleeding', pattern: 'qon (?:…)?(?:tŏxtamayapti|toxtamayapti)|(?:kŏp|kop) qon (?:ketyapti|ketdi|yŏqot~|yoqot~)' },
      { id: 'medical.uz.unconscious', pattern: 'hushidan ket~|hushsiz~|hushiga kelmay~|uyğonmayapti|uygonmayapti' },
      { id: 'medical.uz.heart', pattern: 'yurak (?:xuruji|tutdi|tŏxtadi|toxtadi)|(?:infarkt|insult) (?:bŏldi|boldi|bŏlyapti|bolyapti|urdi)|(?:kŏkrag|kokrag)~ (?:…)?(?:oğri|ogri)~|tutqanoq', unless: 'oldin|ŏtgan yil|otgan yil' },
      { id: 'medical.uz.overdose', pattern: '(?:kŏp|kop|hamma|bir quti) dori (?:…)?(?:ichdi|ichib (?:qŏydi|qoydi)|ichdim)|zahar ichdi~|is gazidan zaharlan~' },
      { id: 'medical.uz.ambulance', pattern: 'tez yordam (?:…)?(?:chaqir~|kerak)|(?:tŏlğoq|tolgoq) boshlan~|tuğyapman|tugyapman' },
    ],
    uk: [
      // "задихаюся від спеки" (the heat) is hyperbole.
      { id: 'medical.uk.breathing', pattern: 'не (?:може|можу|можуть) дихати|не дихає|перестав~ дихати|задиха(?:юся|ється|ємося)(?! від (?:спек~|задух~|сміху))' },
      { id: 'medical.uk.bleeding', pattern: '(?:сильн~|рясн~) кровотеч~|кровотеча не (?:зупиня~|припиня~)|кров не (?:зупиня~|спиня~)|стіка~ кровю|(?:багато|втратил~ багато) крові' },
      { id: 'medical.uk.unconscious', pattern: 'без свідомості|втрати~ свідомість|знепритом~|не прокидається|не приходить до тями' },
      { id: 'medical.uk.heart', pattern: 'серцев~ напад|інфаркт~|інсульт~|біль (?:у|в) грудях|напад астми|епілептичн~ напад~|напад епілепсії', unless: 'тому|минулого (?:року|місяця)|переніс|перенесла|був інфаркт|був інсульт' },
      { id: 'medical.uk.overdose', pattern: 'передозуван~|наковта~ (?:…)?(?:таблет~|ліків)|випил~ (?:…)?(?:багато|всі|пачку|упаковку) (?:…)?(?:таблет~|ліків)|отруї~ (?:чадним )?газом|отруєння чадним газом' },
      { id: 'medical.uk.ambulance', pattern: '(?:виклич~|викликати|потрібна|зателефонуйте|подзвоніть) (?:у |в )?(?:швидку|швидка)|швидка (?:допомога )?(?:потрібна|не їде)|відійшли води|народжую|почалися (?:пологи|перейми)' },
    ],
    fa: [
      { id: 'medical.fa.breathing', pattern: '(?:نمیتواند|نمیتونه|نمیتوانم|نمیتونم) نفس (?:بکشد|بکشه|بکشم)|نفس (?:نمیکشد|نمیکشه)|نفسش (?:بند آمده|بند اومده|قطع شده)' },
      { id: 'medical.fa.bleeding', pattern: 'خون ?ریزی (?:شدید|زیاد)|خون ?ریزی (?:…)?(?:بند نمیآید|بند نمیاد|قطع نمیشود)|خون (?:…)?بند (?:نمیآید|نمیاد)|خون زیادی (?:…)?(?:رفته|از دست داده)' },
      // "از خنده غش کردم" (I fainted laughing) is a figure of speech.
      { id: 'medical.fa.unconscious', pattern: 'بیهوش (?:شد|شده|است|افتاده)|از هوش رفت~|به هوش (?:نمیآید|نمیاد)|غش (?:کرد|کرده)(?! از)', unless: 'خنده' },
      // "از ترس سکته کردم" (I nearly died of fright) is a figure of speech.
      { id: 'medical.fa.heart', pattern: 'سکته (?:قلبی |مغزی )?(?:کرد|کرده)|حمله قلبی|درد (?:شدید )?(?:قفسه )?سینه|تشنج (?:کرد|کرده|دارد|داره)|حمله (?:آسم|صرع)', unless: 'ترس|پیش|سال گذشته|ماه گذشته|قبلا' },
      { id: 'medical.fa.overdose', pattern: '(?:خیلی|همه|یک بسته|یه بسته|یک مشت|یه مشت) (?:…)?(?:قرص|دارو) (?:…)?(?:خورد|خوردم|خورده)|اوردوز|گاز ?گرفتگی|سم خورد~' },
      { id: 'medical.fa.ambulance', pattern: 'آمبولانس (?:…)?(?:بفرستید|خبر کنید|بخواهید|لازم)|(?:به )?آمبولانس زنگ (?:بزنید|بزن)|(?:اورژانس|۱۱۵|۱۱۲) (?:…)?(?:زنگ بزنید|خبر کنید)|کیسه آبم پاره شد|دارم زایمان میکنم|درد زایمان دارم' },
    ],
  },
};
