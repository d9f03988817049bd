// The bridge bundle keeps only the SDK schemas it uses (scripts/pure-schemas.mjs): building
// the ~300 zod schemas of the SDK's types.js was most of the bridge's start-up.
import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { annotateTopLevelCalls } from '../../scripts/pure-schemas.mjs';
import { bridgePath } from '../support/bridge-process';

describe('the bridge bundle', () => {
  it('drops the SDK schemas the bridge never uses and keeps the message schema', async () => {
    const bundle = await readFile(bridgePath(), 'utf8');
    // Method literals of schemas nothing in the bridge references.
    expect(bundle).not.toContain('elicitation/create');
    expect(bundle).not.toContain('sampling/createMessage');
    expect(bundle).not.toContain('resources/templates/list');
    // The transport's JSONRPCMessageSchema (and so its parts) stays.
    expect(bundle).toContain('jsonrpc');
  });

  it('annotating leaves what the code computes unchanged', () => {
    const source = [
      'const make = (tag) => ({ tag, more: (x) => ({ tag: `${tag}.${x}` }) });',
      'export const a = make("a").more(make("b").tag);',
      'export const b = [make("c"), (() => make("d"))()];',
      'export function f() { return make("e").more("f"); }',
    ].join('\n');
    const annotated = annotateTopLevelCalls(source, 'sample.js');
    expect(annotated).toContain('export const a = (/* @__PURE__ */ (/* @__PURE__ */ make("a")).more((/* @__PURE__ */ make("b")).tag));');
    // Nothing inside a function body is touched.
    expect(annotated).toContain('export function f() { return make("e").more("f"); }');
    const run = (code: string) => runInNewContext(`${code.replaceAll('export ', '')}; JSON.stringify([a, b, f()])`);
    expect(run(annotated)).toBe(run(source));
  });

  it('esbuild then drops unused annotated definitions', async () => {
    const module = annotateTopLevelCalls('const s = (t) => ({ t, opt: () => ({ t }) });\nexport const used = s("kept").opt();\nexport const unused = s("gone").opt();', 'm.js');
    const out = await build({
      stdin: { contents: 'import { used } from "m"; console.log(used);', loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      logLevel: 'silent',
      plugins: [{ name: 'm', setup: (b) => (b.onResolve({ filter: /^m$/ }, () => ({ path: 'm', namespace: 'm' })), b.onLoad({ filter: /.*/, namespace: 'm' }, () => ({ contents: module, loader: 'js' }))) }],
    });
    const text = out.outputFiles[0]!.text;
    expect(text).toContain('"kept"');
    expect(text).not.toContain('"gone"');
  });
});
