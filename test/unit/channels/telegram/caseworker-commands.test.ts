import { ACTIONS, PERMISSIONS } from '../../../../src/caseworkers/guard';
import { ROLES } from '../../../../src/caseworkers/roster';
import { CASEWORKER_COMMANDS } from '../../../../src/channels/telegram/caseworker-commands';
import { MENU_COMMANDS } from '../../../../src/channels/telegram/commands';
import { AUDIT_ACTIONS } from '../../../../src/core/audit';
import { COMMANDS } from '../../../../src/core/conversation';
import { SUPPORTED_LANGS } from '../../../../src/core/lang';
import { createTranslator } from '../../../../src/i18n';

/** The parts of the staff commands that a locale or a typo could break without an e2e test noticing. */
describe('case-worker commands', () => {
  const tr = createTranslator();

  it('every text key built at run time exists in every language', () => {
    const keys = [
      ...ROLES.map((r) => `caseworker:role.${r}`),
      ...['telegramId', 'role', 'office', 'langs', 'name'].map((f) => `caseworker:roster_add.invalid.${f}`),
      ...['confirmed', 'not_confirmed', 'attended', 'no_show'].map((s) => `caseworker:today.state.${s}`),
      ...AUDIT_ACTIONS.map((a) => `caseworker:audit.action.${a}`),
      ...['person', 'system'].map((w) => `caseworker:audit.by.${w}`),
    ];
    expect(keys.flatMap((k) => tr.missing(k).map((lang) => `${lang}: ${k}`))).toEqual([]);
  });

  it('every staff command needs a known action', () => {
    for (const action of Object.values(CASEWORKER_COMMANDS)) expect(ACTIONS).toContain(action);
    expect(PERMISSIONS[CASEWORKER_COMMANDS.roster_add]).toEqual(['admin']);
    expect(PERMISSIONS[CASEWORKER_COMMANDS.audit]).toEqual(['admin']);
  });

  it('says who a reassigned case went to, in every language', () => {
    for (const lang of SUPPORTED_LANGS) expect(tr.t(lang, 'caseworker:audit.action.reassign_case', { to: 'Nigar Həsənova' })).toContain('Nigar Həsənova');
  });

  it('no staff command is a migrant command or in the public menu', () => {
    const migrant = new Set<string>([...COMMANDS, ...MENU_COMMANDS]);
    expect(Object.keys(CASEWORKER_COMMANDS).filter((c) => migrant.has(c))).toEqual([]);
  });
});
