/**
 * Dependency direction of DESIGN.md, enforced by test/unit/architecture.test.ts:
 * a layer imports only layers below it; the engine does no I/O; channels never import each other.
 */
const layers = [
  ['config', 'core'],
  ['flows', 'i18n', 'storage'],
  ['intake', 'scheduling', 'safeguarding'],
  ['caseworkers'],
  ['channels', 'web'],
  ['http'],
];
const dir = (name) => `^src/${name}/`;
const forbidden = [];
layers.forEach((group, rank) => {
  const higher = layers.slice(rank + 1).flat().concat(['main\\.ts$', 'app\\.ts$']);
  for (const name of group) {
    forbidden.push({
      name: `${name}-imports-upward`,
      comment: `src/${name} is in layer ${rank}; it may not import from higher layers`,
      severity: 'error',
      from: { path: dir(name) },
      to: { path: higher.map((h) => (h.endsWith('$') ? `^src/${h}` : dir(h))) },
    });
  }
});
// Layers of the same rank do not import each other either, except flows ← i18n? (none needed)
forbidden.push(
  { name: 'flows-not-storage', severity: 'error', from: { path: '^src/flows/' }, to: { path: ['^src/storage/', '^src/i18n/'] } },
  { name: 'storage-not-flows-engine', severity: 'error', from: { path: '^src/storage/' }, to: { path: '^src/flows/engine/' } },
  {
    name: 'engine-is-pure',
    comment: 'the engine does no I/O: no network, files, Redis, queues or bot framework',
    severity: 'error',
    from: { path: '^src/flows/(engine|rules|schema)/' },
    to: { path: ['^(node:)?(fs|net|http|https|child_process|dgram|tls)$', 'node_modules/(ioredis|bullmq|grammy|@grammyjs|express|pino)/'] },
  },
  {
    name: 'channels-independent',
    comment: 'channels never import each other',
    severity: 'error',
    from: { path: '^src/channels/([^/]+)/' },
    to: { path: '^src/channels/', pathNot: ['^src/channels/$1/', '^src/channels/[^/]+\\.ts$'] },
  },
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  {
    name: 'runtime-not-dev-deps',
    comment:
      'the image installs only "dependencies" (npm ci --omit=dev): a value imported from a devDependency ' +
      'type-checks and passes every test, then the production container dies at start (the swc parser cannot ' +
      'tell a type-only import apart, so those are refused too: src/ needs none)',
    severity: 'error',
    from: { path: '^src/' },
    to: { dependencyTypes: ['npm-dev'] },
  },
  {
    name: 'caseworkers-not-grammy',
    comment: 'the desk and the rest of src/caseworkers are channel-independent: no bot framework',
    severity: 'error',
    from: { path: '^src/caseworkers/' },
    to: { path: 'node_modules/(grammy|@grammyjs)/' },
  },
  {
    name: 'channels-not-stores',
    comment:
      'channels decode, resolve the actor, call a desk use case and render its result; they do not build or call stores ' +
      '(the types they need come from src/caseworkers/desk). bot.ts, the channel composition root, is exempt: it builds ' +
      'the case files of the group alerts when the bot has no desk',
    severity: 'error',
    from: { path: '^src/channels/', pathNot: '^src/channels/[^/]+/bot\\.ts$' },
    to: {
      path: [
        '^src/caseworkers/(claims|case-records|case-file|relay-store|phone-calls|roster|escalation)\\.ts$',
        '^src/scheduling/booking-store\\.ts$',
        '^src/safeguarding/incident-store\\.ts$',
        '^src/storage/redis-[^/]+\\.ts$',
      ],
    },
  },
);
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(test|bench|dist)/' },
  },
};
