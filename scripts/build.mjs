// Builds the Node-side targets with esbuild: the bridge as ONE self-contained CommonJS file
// (no node_modules at run time, fast start), the main process and the sandboxed preload.
// The renderer is built by Vite (`vite build`), see vite.config.mts.
import { build } from 'esbuild';

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

// `node scripts/build.mjs bridge main` builds only those targets; no argument builds all.
const wanted = new Set(process.argv.slice(2));
const only = (name, options) => (wanted.size === 0 || wanted.has(name) ? build(options) : null);

await Promise.all([
  only('bridge', {
    ...common,
    entryPoints: ['src-bridge/main.ts'],
    outfile: 'dist/bridge.js',
    minify: true,
    define: { __KEYBRIDGE_VERSION__: JSON.stringify(version) },
    banner: { js: '#!/usr/bin/env node' },
  }),
  only('main', {
    ...common,
    entryPoints: ['src-main/shell/main.ts'],
    outfile: 'dist/main.js',
    external: ['electron'],
    define: { __KEYBRIDGE_VERSION__: JSON.stringify(version) },
  }),
  only('preload', {
    ...common,
    entryPoints: ['src-main/shell/preload.ts'],
    outfile: 'dist/preload.js',
    external: ['electron'],
  }),
]);
