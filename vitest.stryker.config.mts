// The tests `npm run mutate` (stryker.config.mjs) runs: those that exercise the mutated files in
// this process. Left out: the renderer, the Electron shell, e2e and system tests, benches, the
// fuzzers (random inputs, slow, and covered by the targeted tests here), and tests that only
// drive a separate process built from dist/ (dist/agent.js, dist/bridge.js's bundle checks):
// Stryker's mutants live in the sources it instruments, which such a process never loads.
import { defineConfig } from 'vitest/config';

/** Stryker's vitest runner asks for worker threads; some tests switch the effective uid to run as
 * an ordinary user (test/main/clients/temp-home.ts), which only a process can. Still one file at
 * a time per Stryker worker (the runner's maxWorkers: 1). */
const forks = { name: 'keybridge:stryker-forks', configResolved: (config: { test?: { pool?: string } }) => void ((config.test ??= {}).pool = 'forks') };

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [forks],
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
      },
    ],
  },
});
