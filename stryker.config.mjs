// Mutation testing of the code that guards the secret and the protocol (issue 15): `npm run mutate`
// (scripts/mutate.mjs) runs this once per area of scripts/mutation-areas.mjs, the area named by
// KEYBRIDGE_MUTATE_AREA. Not part of `npm test` (too slow for CI). Incremental: a re-run tests only
// the mutants whose code or covering tests changed since the area's last run.
// Scope and the measured score: README.md, "Mutation testing".
import { MUTATION_AREAS } from './scripts/mutation-areas.mjs';

const area = process.env.KEYBRIDGE_MUTATE_AREA ?? '';
const mutate = MUTATION_AREAS[area];
if (!mutate) throw new Error(`KEYBRIDGE_MUTATE_AREA must name one of: ${Object.keys(MUTATION_AREAS).join(', ')} (npm run mutate sets it)`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.mts' },
  // Each mutant runs only the tests that reached its code in the initial run.
  coverageAnalysis: 'perTest',
  mutate,
  // Static mutants (module-level constants) would re-run every test each; they are few here.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/incremental/${area}.json`,
  concurrency: Number(process.env.KEYBRIDGE_MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 20_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${area}.html` },
  jsonReporter: { fileName: `reports/mutation/${area}.json` },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  tempDirName: `.stryker-tmp-${area}`,
  ignorePatterns: ['test-output', 'release', 'bench/results', 'reports', '.stryker-tmp*'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
