// Builds the Node-side targets with esbuild: the bridge as ONE self-contained CommonJS file
// (no node_modules at run time, fast start), the main process, the sandboxed preload and the
// headless agent (dist/agent.js, also one self-contained file).
// The renderer is built by Vite (`vite build`), see vite.config.mts.
import { build } from 'esbuild';
import { pureSchemas } from './pure-schemas.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

const version = JSON.parse(await (await import('node:fs/promises')).readFile('package.json', 'utf8')).version;

/** The bridge: ONE small CommonJS file that needs no node_modules (no SDK, no HTTP: a pipe). */
const bridge = {
  ...common,
  entryPoints: ['src-bridge/main.ts'],
  outfile: 'dist/bridge.js',
  minify: true,
  define: { __KEYBRIDGE_VERSION__: JSON.stringify(version) },
  banner: { js: '#!/usr/bin/env node' },
};

// `node scripts/build.mjs bridge main` builds only those targets (bridge, main, preload, agent);
// no argument builds all.
const wanted = new Set(process.argv.slice(2));
const only = (name, options) => (wanted.size === 0 || wanted.has(name) ? build(options) : null);

await Promise.all([
  only('bridge', bridge),
  only('main', {
    ...common,
    entryPoints: ['src-main/shell/main.ts'],
    outfile: 'dist/main.js',
    external: ['electron'],
    // The SDK builds ~300 schemas at load; keep only those the agent uses.
    plugins: [pureSchemas],
    define: { __KEYBRIDGE_VERSION__: JSON.stringify(version) },
  }),
  // The headless agent (src-main/headless): one file, run with plain Node.
  only('agent', {
    ...common,
    entryPoints: ['src-main/headless/main.ts'],
    outfile: 'dist/agent.js',
    plugins: [pureSchemas],
    // jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    banner: { js: '#!/usr/bin/env node' },
    define: { __KEYBRIDGE_VERSION__: JSON.stringify(version) },
  }),
  only('preload', {
    ...common,
    entryPoints: ['src-main/shell/preload.ts'],
    outfile: 'dist/preload.js',
    external: ['electron'],
  }),
]);
