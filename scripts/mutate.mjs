// npm run mutate [area ...]: Stryker over each area of scripts/mutation-areas.mjs in turn (all of
// them by default), then one table of every area's latest report with the combined score.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { MUTATION_AREAS } from './mutation-areas.mjs';

const names = Object.keys(MUTATION_AREAS);
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !names.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown area ${unknown.join(', ')}; the areas are: ${names.join(', ')}.`);
  process.exit(2);
}

for (const area of asked.length > 0 ? asked : names) {
  console.log(`\n== mutating ${area}: ${MUTATION_AREAS[area].join(' ')}`);
  const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, KEYBRIDGE_MUTATE_AREA: area } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

// Stryker's mutation score: detected (killed or timed out) over valid mutants (detected, survived,
// or reached by no test); compile and runtime errors and ignored mutants are left out.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const count = (mutants) => ({
  detected: mutants.filter((m) => DETECTED.has(m.status)).length,
  valid: mutants.filter((m) => DETECTED.has(m.status) || UNDETECTED.has(m.status)).length,
});
const percent = ({ detected, valid }) => (valid === 0 ? '—' : `${((100 * detected) / valid).toFixed(1)} %`);

const total = { detected: 0, valid: 0 };
console.log('\n| area | file | mutants | score | report of |\n|---|---|---|---|---|');
for (const area of names) {
  const report = `reports/mutation/${area}.json`;
  if (!existsSync(report)) {
    console.log(`| ${area} | (not run yet) | | | |`);
    continue;
  }
  const when = statSync(report).mtime.toISOString().slice(0, 16).replace('T', ' ');
  for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(report, 'utf8')).files)) {
    const c = count(mutants);
    total.detected += c.detected;
    total.valid += c.valid;
    console.log(`| ${area} | ${file} | ${c.valid} | ${percent(c)} | ${when} |`);
  }
}
console.log(`| all | | ${total.valid} | ${percent(total)} | |`);
