// The built files. dist/bridge.js is a thin pipe (docs/agent-protocol.md): no MCP SDK, no HTTP
// client, no classic zod, no file access — small, and it runs with plain node and nothing else.
// The SDK lives in the agent's bundles (dist/agent.js, dist/main.js), which keep only the SDK
// schemas they use (scripts/pure-schemas.mjs): building the ~300 zod schemas of the SDK's
// types.js was much of the start-up time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { annotateTopLevelCalls } from '../../scripts/pure-schemas.mjs';
import { bridgePath } from '../support/bridge-process';

/** What the bridge may load: the few Node built-ins a socket pipe needs. */
const BRIDGE_MODULES = ['node:child_process', 'node:net', 'node:os', 'node:util'];

async function built(name: 'agent' | 'main'): Promise<string> {
  const path = resolve(__dirname, `../../dist/${name}.js`);
  if (!existsSync(path)) throw new Error(`${path} is missing: build it first with \`node scripts/build.mjs ${name}\` (npm test builds it).`);
  return readFile(path, 'utf8');
}

/** Names of the zod schemas a (non-minified) bundle defines at its top level. */
const schemaDefinitions = (bundle: string) => new Set([...bundle.matchAll(/\bvar (\w+Schema)\d* = /g)].map((m) => m[1]!));

describe('the bridge bundle', () => {
  it('is a pipe: no SDK, no HTTP client, no classic zod, no file access, only a few built-ins', async () => {
    const bundle = await readFile(bridgePath(), 'utf8');
    expect(bundle.length).toBeLessThan(100_000);
    for (const absent of ['@modelcontextprotocol', 'StreamableHTTP', 'undici', 'fetch(', 'EventSource', '"ZodType"', 'superRefine', 'v8cache', 'createCachedData']) {
      expect(bundle, absent).not.toContain(absent);
    }
    const required = new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...required].sort()).toEqual(BRIDGE_MODULES);
  });

  it('runs with plain node and an empty environment', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [bridgePath(), ...args], { encoding: 'utf8', timeout: 10_000, env: {} });
    expect(run(['--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
    expect(run(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('--profile <name>'), stderr: '' });
  });
});

describe('the agent bundles keep only the SDK schemas they use', () => {
  it.each(['agent', 'main'] as const)('dist/%s.js', async (name) => {
    const defined = schemaDefinitions(await built(name));
    // The transport's message schema (and so its parts) stays...
    expect(defined).toContain('JSONRPCMessageSchema');
    // ...schemas only a server or an assistant would use are dropped.
    for (const unused of ['ListRootsRequestSchema', 'CallToolRequestSchema', 'ClientRequestSchema', 'SetLevelRequestSchema']) expect(defined).not.toContain(unused);
  });

  it('dist/agent.js has no trace of server-side methods it never handles', async () => {
    const bundle = await built('agent');
    expect(bundle).not.toContain('elicitation/create');
    expect(bundle).not.toContain('sampling/createMessage');
    expect(bundle).not.toContain('resources/templates/list');
  });
});

describe('the pure-schemas plugin', () => {
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
