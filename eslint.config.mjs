// Lint, including the layering rules of docs/architecture.md: each source folder may import only
// what its runtime has (see "Rules of the house").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const outsideShared = { regex: '^\\.\\./\\.\\./|^\\.\\./src-', message: 'src-shared imports nothing outside itself.' };

/** What each src-main folder may not import (besides electron, outside shell, and React). */
const MAIN_LAYERS = {
  upstream: ['agent', 'vault', 'clients', 'app', 'shell', 'headless'],
  agent: ['vault', 'clients', 'app', 'shell', 'headless'],
  vault: ['agent', 'clients', 'app', 'shell', 'headless'],
  clients: ['agent', 'vault', 'app', 'shell', 'headless'],
  headless: ['vault', 'clients', 'app', 'shell'],
  app: ['shell', 'headless'],
  shell: ['headless'],
};

function mainLayers() {
  return Object.entries(MAIN_LAYERS).map(([folder, forbidden]) => ({
    files: [`src-main/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: folder === 'shell' ? [] : [{ name: 'electron', message: 'Only src-main/shell imports electron.' }],
        patterns: [
          { regex: '^(react|react-dom)($|/)', message: 'Main never imports React.' },
          { regex: `^(\\.\\./)+(${forbidden.join('|')})($|/)`, message: `src-main/${folder} may not import ${forbidden.join(', ')} (layers: docs/architecture.md).` },
        ],
      }],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-output/**', 'bench/results/**', 'reports/**', '.stryker-tmp*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!zod($|/)|\\.\\.?/)', message: 'src-shared imports only zod.' },
          outsideShared,
        ],
      }],
    },
  },
  {
    files: ['src-bridge/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The bridge is plain Node: never import electron.' }],
        patterns: [
          { regex: '^(react|react-dom)($|/)', message: 'The bridge never imports React.' },
          { regex: '^\\.\\./(src-main|src-renderer)', message: 'The bridge imports only src-shared.' },
        ],
      }],
    },
  },
  // Layers inside src-main (docs/architecture.md): shell → app → {agent, vault, clients} →
  // upstream → src-shared; headless beside app. Nothing imports upward or sideways.
  ...mainLayers(),
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron'].map((name) => ({ name, message: 'The renderer has no Node and no electron.' })),
        patterns: [
          { regex: '^\\.\\./(\\.\\./)*src-(bridge|main)/(?!shell/preload)', message: 'The renderer talks to main only through the preload API.' },
        ],
      }],
    },
  },
  {
    files: ['test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
);
