// The tests `npm run mutate` (stryker.config.mjs) runs: those that exercise the mutated files in
// this process. Left out: the renderer, the Electron shell, e2e and system tests, benches, the
// fuzzers (random inputs, slow, and covered by the targeted tests here), and tests that only
// drive a separate process built from dist/ (dist/agent.js: Stryker's mutants live in the
// sources it instruments, which such a process never loads).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'mutation',
    environment: 'node',
    include: [
      'test/main/**/*.test.ts',
      'test/bridge/**/*.test.ts',
      'test/secrecy/**/*.test.ts',
      'test/shared/redact.test.ts',
      'test/shared/key-format.test.ts',
      'test/mutation-killers/**/*.test.ts',
    ],
    exclude: [
      'test/main/headless/agent-process.test.ts',
      'test/bridge/bundle.test.ts',
      'test/bridge/no-code-cache.test.ts',
      'test/bridge/long-session.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
