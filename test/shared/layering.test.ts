// The lint config enforces the layering of docs/architecture.md; this proves each rule fires where it should.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layering rules', () => {
  it('src-shared imports only zod', async () => {
    expect(await ruleIds('src-shared/x.ts', "import { readFile } from 'node:fs';\nexport const x = readFile;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-shared/x.ts', "import { z } from 'zod';\nexport const x = z;\n")).toEqual([]);
    expect(await ruleIds('src-shared/x.ts', "import { x as y } from '../src-main/y';\nexport const x = y;\n")).toContain('no-restricted-imports');
  });

  it('only src-main/shell imports electron', async () => {
    const code = "import { app } from 'electron';\nexport const x = app;\n";
    expect(await ruleIds('src-main/vault/x.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIds('src-bridge/x.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIds('src-renderer/x.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/shell/x.ts', code)).toEqual([]);
  });

  it('inside src-main: nothing imports upward or sideways', async () => {
    const imports = (from: string) => `import { x as y } from '${from}';\nexport const x = y;\n`;
    // Sideways between the middle layers.
    expect(await ruleIds('src-main/vault/x.ts', imports('../agent'))).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/agent/x.ts', imports('../vault/y'))).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/clients/x.ts', imports('../vault'))).toContain('no-restricted-imports');
    // Upward.
    expect(await ruleIds('src-main/upstream/x.ts', imports('../agent/y'))).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/agent/x.ts', imports('../app/y'))).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/app/services/x.ts', imports('../../shell/y'))).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/headless/x.ts', imports('../app/y'))).toContain('no-restricted-imports');
    // Downward is fine.
    expect(await ruleIds('src-main/agent/x.ts', imports('../upstream/y'))).toEqual([]);
    expect(await ruleIds('src-main/app/services/x.ts', imports('../../vault'))).toEqual([]);
    expect(await ruleIds('src-main/shell/x.ts', imports('../app/y'))).toEqual([]);
  });

  it('the renderer has no Node and the bridge no console', async () => {
    expect(await ruleIds('src-renderer/x.ts', "import { readFile } from 'fs';\nexport const x = readFile;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-bridge/x.ts', "console.log('hi');\n")).toContain('no-console');
  });
});
