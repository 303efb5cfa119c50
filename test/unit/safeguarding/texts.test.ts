import { createTranslator } from '../../../src/i18n';
import { CRISIS_CATEGORIES, categoryTextKey, INCIDENT_TYPES, missingForCompletion, SAFEGUARDING_TEXT, suggestedIncidentTypes } from '../../../src/safeguarding';

/** Keys built at run time (not caught by the locale completeness test's scan of src/). */
describe('safeguarding texts and report rules', () => {
  const tr = createTranslator();

  it('has every category name, Annex 3 option and report label in every language', () => {
    const keys = [
      ...Object.values(SAFEGUARDING_TEXT),
      ...CRISIS_CATEGORIES.map(categoryTextKey),
      ...INCIDENT_TYPES.map((t) => `safeguarding:incident.type.${t}`),
      ...['case_code', 'occurred_at', 'reported_at', 'types', 'what_happened', 'how_handled', 'advice_given', 'referred_to', 'next_call_made', 'next_call_at', 'follow_up_due', 'worker'].map((f) => `safeguarding:incident.${f}`),
    ];
    expect(keys.flatMap((k) => tr.missing(k).map((lang) => `${lang}: ${k}`))).toEqual([]);
  });

  it('renders the reply and the alert without personal data placeholders', () => {
    expect(tr.t('az', SAFEGUARDING_TEXT.reply, { number: '112' })).toContain('112 nömrəsinə zəng edin');
    expect(tr.t('ru', SAFEGUARDING_TEXT.reply, { number: '112' })).toContain('позвоните по номеру 112');
    const alert = tr.t('en', SAFEGUARDING_TEXT.alert, { code: 'KP-7G4Q-M2XD', category: tr.t('en', categoryTextKey('exploitation')), language: 'Russian' });
    expect(alert).toBe(
      '🚨 URGENT: case KP-7G4Q-M2XD may be in crisis: exploitation or trafficking. Language: Russian. Please contact the person as soon as possible (claim the case: you can then write to them through the bot), then complete the draft incident report.',
    );
    expect(tr.t('en', SAFEGUARDING_TEXT.reportLink, { url: 'https://korpu.example.org/desk/incidents/tg%3A1%3A0' })).toBe('📝 Adverse incident report (Annex 3): https://korpu.example.org/desk/incidents/tg%3A1%3A0');
  });

  it('suggests Annex 3 options and names what a report lacks', () => {
    expect(suggestedIncidentTypes('suicide', 'suicide.az.intihar')).toEqual(['suicidal']);
    expect(suggestedIncidentTypes('violence', 'violence.ru.killed')).toEqual(['homicide']);
    expect(suggestedIncidentTypes('medical', 'medical.en.heart')).toEqual(['other']);
    expect(missingForCompletion({ types: ['other'] })).toEqual(['otherDescription', 'whatHappened', 'howHandled', 'adviceGiven', 'referredTo', 'nextCallMade']);
    expect(
      missingForCompletion({ types: ['suicidal'], whatHappened: 'x', howHandled: 'x', adviceGiven: false, referredTo: 'x', nextCallMade: false }),
    ).toEqual([]);
    expect(missingForCompletion({ types: [], whatHappened: 'x', howHandled: 'x', adviceGiven: true, referredTo: 'x', nextCallMade: true })).toEqual(['types', 'nextCallAt']);
  });
});
