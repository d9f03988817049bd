// Mutation testing of the code that guards the secret and the protocol (issue 15): `npm run mutate`.
// Not part of `npm test` (too slow for CI). Incremental: a re-run tests only the mutants whose code
// or covering tests changed since the last run (reports/stryker-incremental.json, not in git).
// Scope and the measured score: README.md, "Mutation testing".
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.mts' },
  // Each mutant runs only the tests that reached its code in the initial run.
  coverageAnalysis: 'perTest',
  mutate: [
    // The bridge: a thin pipe (its process tests run dist/bridge.js, which Stryker cannot see;
    // test/mutation-killers/bridge/ drives these modules in process).
    'src-bridge/pipe.ts',
    'src-bridge/agent-link.ts',
    'src-bridge/assistant-input.ts',
    'src-bridge/assistant-output.ts',
    'src-shared/session-setup.ts',
    'src-bridge/cli.ts',
    // The upstream session: order, re-init on 404, the relay's outstanding ids, one auth header.
    'src-main/upstream/session.ts',
    'src-main/upstream/relay.ts',
    'src-main/upstream/auth-fetch.ts',
    // The agent: who is asking, may it, one session per bridge.
    'src-main/agent/bridge-connection.ts',
    'src-main/agent/bridge-session.ts',
    'src-main/agent/client-identity.ts',
    'src-main/agent/peer-identity.ts',
    // Approval and the IPC boundary.
    'src-main/app/approval.ts',
    'src-main/app/ipc-handlers.ts',
    // Redaction and key checks.
    'src-shared/redact.ts',
    'src-shared/key-format.ts',
    // Assistants' config files and moving plaintext keys in.
    'src-main/clients/config-writer.ts',
    'src-main/clients/migration.ts',
    // The vault (scored last: it was being split when this was set up).
    'src-main/vault/document-store.ts',
    'src-main/vault/credentials.ts',
    'src-main/vault/key-lifecycle.ts',
    'src-main/vault/key-opener.ts',
    'src-main/vault/sealed-key.ts',
  ],
  // Static mutants (module-level constants) would re-run every test each; they are few here.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['test-output', 'release', 'bench/results', 'reports', '.stryker-tmp*'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
