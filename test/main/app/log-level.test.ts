// Settings → Log level decides what reaches the app's log (it used to be saved and never read).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoreHarness, type CoreHarness } from './core-harness';

const harnesses: CoreHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function startWith(level: 'warn' | 'info'): Promise<string[]> {
  const logged: string[] = [];
  const harness = await startCoreHarness({ log: (lvl, message) => void logged.push(`${lvl} ${message}`) });
  harnesses.push(harness);
  await harness.core.settings.update({ logLevel: level });
  // Something start() reports at info: the retired code cache it removes.
  await mkdir(join(harness.homeDir, '.keybridge', 'cache'), { recursive: true });
  await harness.core.start();
  return logged;
}

describe('the log level setting', () => {
  it('info: the info line is logged', async () => {
    expect((await startWith('info')).join('\n')).toContain('info Removed the old bridge code cache');
  });

  it('warn: the info line is not', async () => {
    expect((await startWith('warn')).join('\n')).not.toContain('Removed the old bridge code cache');
  });
});
