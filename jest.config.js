/** Three projects: `unit` (pure code, no network, parallel), `integration` (a real
 * redis-server started by globalSetup, shared by the files, each on its own key prefix) and `reliability` (faults
 * caused for real, issue 13: small counts here, the with `npm run test:reliability`). */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] };
module.exports = {
  // Once in a while (seen in CI runs of 4 December) Jest did not exit after every test had
  // passed: the main process (which then ran the files in band on 2 cores) held one Timeout and no
  // socket, child process or server, and waited for ever. Until that is found, Jest exits when
  // the run is over, so a finished run cannot hang CI.
  forceExit: true,
  // Three files at once, whatever the machine: most files mostly wait (on Redis, on the
  // processes they start and kill, on timers), and Jest's default on 2 cores is one file at a
  // time (cores − 1), which made `npm test` take 15 minutes of mostly idle CPU (5½ with three).
  // Each file has its own key prefix (test/helpers/redis.ts), ports and temporary folders, so
  // files do not see each other. `--runInBand` (test:reliability) still runs one at a time.
  maxWorkers: 3,
  // A deadline for a test that hangs, not a speed check: an end-to-end test that takes 1.7 s
  // alone on the test cluster went past Jest's default 5 s when the machine was busy with other
  // work as well (a clean-clone CI run, 6 December). Files that need longer set their own.
  testTimeout: 20_000,
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/flows/**/*.test.ts'] },
    { displayName: 'integration', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'] },
    { displayName: 'reliability', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/reliability/**/*.test.ts'] },
  ],
};
