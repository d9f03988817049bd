// Runs the built settings window in real Chromium against the REAL main-side services.
// It stands in for the preload only: a script injected before the page loads builds
// `window.keybridge` with the app's own buildKeyBridgeApi, whose invoke and subscribe go over
// Playwright bindings to helper-shell's createAppCore + createIpcHandlers/createInvoker (the
// vault with the test cipher in a temp dir, the agent on a real socket, the client installers
// on a temp HOME, the probe against whatever endpoint a test enters, a fake clipboard).
// Every IPC result and event that reaches the page is recorded for the secret checks.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls, { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createAppCore, type AppCoreHandle } from '../../src-main/app/create-app';
import type { AccessRequest, ApprovalAnswer } from '../../src-main/app/approval';
import { createIpcHandlers, createInvoker, subscribeCoreEvents } from '../../src-main/app/ipc-handlers';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shell/security';
import { createTestCipher } from '../main/vault/helpers';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'screenshots');

/** One axe-core violation, as the audit reports it. */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  targets: string[];
}

/** What axe-core found on one screen or dialog, light and dark. */
export interface AxeAudit {
  name: string;
  light: AxeViolation[];
  dark: AxeViolation[];
}

const AXE_SOURCE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Routes the vendors' real hostnames (e.g. mcp.uptimeobserver.com:443) to local TLS ports,
 * trusting the test CA, for every TLS connection this process opens (main's upstream pools and
 * probe, the runtime's fetch): the screens show the endpoints a user would have. The server
 * name stays the vendor's, so the certificate is checked for it. Returns the undo. */
export function routeVendorHosts(caCert: string, routes: Readonly<Record<string, number>>): () => Promise<void> {
  const original = tls.connect;
  const ca = [...rootCertificates, caCert];
  const routed = function connect(this: unknown, ...args: unknown[]) {
    const [options, ...rest] = args;
    if (options && typeof options === 'object') {
      const { host, servername } = options as tls.ConnectionOptions;
      const name = servername || host;
      const port = name ? routes[name] : undefined;
      if (port !== undefined) return (original as (...a: unknown[]) => tls.TLSSocket).call(this, { ...(options as tls.ConnectionOptions), host: '127.0.0.1', port, servername: name, ca }, ...rest);
    }
    return (original as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
  } as typeof tls.connect;
  tls.connect = routed;
  return async () => {
    if (tls.connect === routed) tls.connect = original;
  };
}

// The preload's stand-in, bundled by esbuild for the page: the app's API over two bindings.
const PRELOAD_SHIM = `
import { buildKeyBridgeApi } from './src-shared/preload-api';
type Listener = (payload: unknown) => void;
type HarnessWindow = typeof globalThis & {
  __kbInvoke(channel: string, args: unknown): Promise<never>;
  __kbEmit?: (channel: string, payload: unknown) => void;
};
const w = window as unknown as HarnessWindow;
const listeners = new Map<string, Set<Listener>>();
w.__kbEmit = (channel, payload) => listeners.get(channel)?.forEach((listener) => listener(payload));
const api = buildKeyBridgeApi(
  (channel, args) => w.__kbInvoke(channel, args),
  (channel, listener) => {
    const set = listeners.get(channel) ?? new Set<Listener>();
    set.add(listener as Listener);
    listeners.set(channel, set);
    return () => set.delete(listener as Listener);
  },
);
Object.defineProperty(window, 'keybridge', { value: Object.freeze(api), enumerable: true });
`;

/** The clipboard main reads for the Paste button and writes for "Copy". */
export interface FakeClipboard {
  text: string;
  readText(): string;
  writeText(text: string): void;
}

export interface UiHarness {
  readonly page: Page;
  readonly core: AppCoreHandle;
  readonly homeDir: string;
  /** main's userData folder (the vault's store lives here). */
  readonly userDataDir: string;
  readonly clipboard: FakeClipboard;
  /** JSON of every IPC result and every event that reached the page. */
  readonly wire: string[];
  readonly openedUrls: string[];
  /** Files main asked the file manager to show. */
  readonly shownFiles: string[];
  /** Reads an assistant's config file in the temp HOME. */
  readConfig(relativePath: string): Promise<string>;
  /** Uncaught page errors and console errors (CSP violations included) so far. */
  problems(): string[];
  /** Saves `<name>-light.png` and `<name>-dark.png` under test-output/screenshots, and audits
   * the page as shown with axe-core in both themes. */
  screenshot(name: string): Promise<AxeAudit>;
  /** Runs axe-core (WCAG 2.1 A/AA and best practices) on the page as shown, light and dark. */
  audit(name: string): Promise<AxeAudit>;
  /** Every audit so far. */
  readonly audits: AxeAudit[];
  close(): Promise<void>;
}

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Throws when Chromium is missing, so the tests fail (never skip): they are the renderer's only real-browser check. */
export function requireChromium(): void {
  if (!hasChromium()) {
    throw new Error(
      `Chromium is required at ${CHROMIUM_PATH} for the renderer's end-to-end tests (Debian: apt-get install chromium)${process.env.CI === 'true' ? ' and CI must provide it' : ''}.`,
    );
  }
}

/** `vite build` of src-renderer into `outDir` (the same config `npm run build` uses). */
export async function buildRenderer(outDir: string): Promise<void> {
  await run(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
  });
}

/** dist/bridge.js, built if this checkout has none yet. */
export async function ensureBridgeBuilt(): Promise<string> {
  const bridge = path.join(REPO_ROOT, 'dist', 'bridge.js');
  if (!existsSync(bridge)) await run(process.execPath, ['scripts/build.mjs', 'bridge'], { cwd: REPO_ROOT });
  return bridge;
}

async function bundlePreloadShim(): Promise<string> {
  const result = await build({
    stdin: { contents: PRELOAD_SHIM, loader: 'ts', resolveDir: REPO_ROOT, sourcefile: 'ui-harness-preload.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no preload shim.');
  return file.text;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the built renderer on 127.0.0.1 (files only, nothing outside `root`) with the
 * CSP header the app's own protocol handler sends. */
async function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(root + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CONTENT_SECURITY_POLICY })
          .end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export interface UiHarnessOptions {
  /** The built renderer (see buildRenderer). */
  rendererDir: string;
  /** Files to create in the temp HOME before the core starts (relative path → text). */
  homeFiles?: Record<string, string>;
  /** Files to create in main's userData folder before the core starts (name → text). */
  userDataFiles?: Record<string, string>;
  /** Answer to the approval prompt when a new client asks for a key. */
  approve?: (request: AccessRequest) => ApprovalAnswer;
}

export async function startUiHarness(options: UiHarnessOptions): Promise<UiHarness> {
  requireChromium();
  const root = await mkdtemp(path.join(tmpdir(), 'kb-ui-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rm(root, { recursive: true, force: true })];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const homeDir = path.join(root, 'home');
    // Where the app keeps it on Linux, so messages show ~/.config/KeyBridge/….
    const userDataDir = path.join(homeDir, '.config', 'KeyBridge');
    // Claude Desktop "installed": its config folder exists (Linux: ~/.config/Claude).
    await mkdir(path.join(homeDir, '.config', 'Claude'), { recursive: true });
    await mkdir(userDataDir, { recursive: true });
    for (const [name, text] of Object.entries(options.userDataFiles ?? {})) await writeFile(path.join(userDataDir, name), text);
    for (const [relativePath, text] of Object.entries(options.homeFiles ?? {})) {
      await mkdir(path.dirname(path.join(homeDir, relativePath)), { recursive: true });
      await writeFile(path.join(homeDir, relativePath), text);
    }

    const clipboard: FakeClipboard = {
      text: '',
      readText: () => clipboard.text,
      writeText: (text) => {
        clipboard.text = text;
      },
    };
    const openedUrls: string[] = [];
    const shownFiles: string[] = [];
    let loginItem = false;
    const core = await createAppCore({
      userDataDir,
      homeDir,
      platform: 'linux',
      env: { HOME: homeDir, XDG_CONFIG_HOME: path.join(homeDir, '.config') },
      username: 'tester',
      cipher: createTestCipher(),
      bridgeScriptPath: await ensureBridgeBuilt(),
      appExecPath: process.execPath,
      isPackaged: false,
      nodePath: process.execPath,
      socketPath: path.join(root, 'run', 'agent.sock'),
      clipboard,
      openExternal: (url) => {
        openedUrls.push(url);
      },
      showItemInFolder: (file) => {
        shownFiles.push(file);
      },
      notify: () => undefined,
      askApproval: async (request) => options.approve?.(request) ?? 'always',
      loginItem: {
        isEnabled: async () => loginItem,
        setEnabled: async (enabled) => {
          loginItem = enabled;
        },
      },
    });
    cleanups.push(() => core.stop());
    await core.start();

    const invoke = createInvoker(createIpcHandlers(core));
    const { server, url } = await serveStatic(options.rendererDir);
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));

    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    cleanups.push(() => browser.close());
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 760 }, colorScheme: 'light' });
    // Only the page's own server; nothing else leaves the machine.
    await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());

    const wire: string[] = [];
    await context.exposeBinding('__kbInvoke', async (_source, channel: unknown, args: unknown) => {
      const result = await invoke(String(channel), args);
      wire.push(JSON.stringify({ channel, result }));
      return result;
    });
    await context.addInitScript({ content: await bundlePreloadShim() });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });

    cleanups.push(
      subscribeCoreEvents(core, (channel, payload) => {
        wire.push(JSON.stringify({ channel, payload }));
        page
          .evaluate(([c, p]) => (window as unknown as { __kbEmit?: (c: string, p: unknown) => void }).__kbEmit?.(c, p), [channel, payload] as const)
          .catch(() => undefined); // the page may be navigating or closed
      }),
    );
    await page.goto(url);

    const axeSource = await readFile(AXE_SOURCE_PATH, 'utf8');
    const audits: AxeAudit[] = [];
    const runAxe = async (): Promise<AxeViolation[]> => {
      // Evaluated over the DevTools protocol, so the page's CSP (script-src 'self') stays as it is.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
      return page.evaluate(async () => {
        type Result = { violations: { id: string; impact: AxeViolation['impact']; help: string; nodes: { target: unknown[] }[] }[] };
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
      });
    };
    const audit = async (name: string, shoot: boolean): Promise<AxeAudit> => {
      if (shoot) await mkdir(SCREENSHOT_DIR, { recursive: true });
      const found: AxeAudit = { name, light: [], dark: [] };
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        // Styles follow the media change on the next frame.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        if (shoot) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${colorScheme}.png`) });
        found[colorScheme] = await runAxe();
      }
      await page.emulateMedia({ colorScheme: 'light' });
      audits.push(found);
      return found;
    };

    return {
      page,
      core,
      homeDir,
      userDataDir,
      clipboard,
      wire,
      openedUrls,
      shownFiles,
      problems: () => [...problems],
      readConfig: (relativePath) => readFile(path.join(homeDir, relativePath), 'utf8'),
      audits,
      audit: (name) => audit(name, false),
      screenshot: (name) => audit(name, true),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
