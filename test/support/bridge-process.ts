// Runs the BUILT bridge (dist/bridge.js) as an assistant would: either driven by the real SDK
// Client over StdioClientTransport, or raw (lines in, lines out) for protocol-level tests.
// Everything the bridge writes is collected so tests can assert on it (and scan it for keys).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const BRIDGE_PATH = resolve(__dirname, '../../dist/bridge.js');

/** The built bridge's path; fails with what to do when it has not been built. */
export function bridgePath(): string {
  if (!existsSync(BRIDGE_PATH)) {
    throw new Error(`${BRIDGE_PATH} is missing: build it first with \`node scripts/build.mjs bridge\` (npm test builds it).`);
  }
  return BRIDGE_PATH;
}

export interface BridgeLaunch {
  profile?: string;
  /** Passed as --agent. */
  agentSocket?: string;
  /** Extra flags after --profile/--agent. */
  args?: string[];
  /** Environment of the bridge (besides a minimal PATH/HOME). */
  env?: Record<string, string>;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

function argvFor(launch: BridgeLaunch): string[] {
  return [
    bridgePath(),
    ...(launch.profile ? ['--profile', launch.profile] : []),
    ...(launch.agentSocket ? ['--agent', launch.agentSocket] : []),
    '--log-level',
    launch.logLevel ?? 'debug',
    ...(launch.args ?? []),
  ];
}

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...extra };
}

export interface BridgeClient {
  client: Client;
  transport: StdioClientTransport;
  /** The argv the bridge ran with (for the secrecy scan). */
  argv: string[];
  env: Record<string, string>;
  /** Everything the bridge wrote to stderr so far. */
  stderr(): string;
  /** Every message the bridge wrote to stdout so far, as raw JSON text. */
  stdout(): string[];
  pid(): number | null;
  close(): Promise<void>;
}

/** Starts the bridge and connects an SDK Client to it (initialize included unless `connect: false`). */
export async function startBridgeClient(
  launch: BridgeLaunch,
  clientOptions: ClientOptions = {},
  setup: (client: Client) => void = () => undefined,
): Promise<BridgeClient> {
  const argv = argvFor(launch);
  const env = baseEnv(launch.env);
  const transport = new StdioClientTransport({ command: process.execPath, args: argv, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'bridge-test', version: '1.0.0' }, clientOptions);
  setup(client);
  const stdout: string[] = [];
  // Record every frame the bridge wrote, before the Client sees it.
  const record = (message: unknown) => stdout.push(JSON.stringify(message));
  await client.connect(wrapRecording(transport, record));
  return {
    client,
    transport,
    argv,
    env,
    stderr: () => stderr,
    stdout: () => stdout,
    pid: () => transport.pid,
    close: async () => {
      await client.close().catch(() => undefined);
    },
  };
}

function wrapRecording(transport: StdioClientTransport, record: (message: unknown) => void): StdioClientTransport {
  const start = transport.start.bind(transport);
  transport.start = async () => {
    const onmessage = transport.onmessage;
    transport.onmessage = (message) => {
      record(message);
      onmessage?.(message);
    };
    await start();
  };
  return transport;
}

export interface RawBridge {
  child: ChildProcessWithoutNullStreams;
  argv: string[];
  env: Record<string, string>;
  /** Lines written to stdout so far. */
  readonly lines: string[];
  stderr(): string;
  /** Writes one line (an object is JSON-encoded) to the bridge's stdin. */
  send(message: string | object): void;
  /** Resolves with the first stdout message (parsed) matching `predicate`, seen or future. */
  next(predicate: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it if still running. */
  stop(): Promise<void>;
}

/** Starts the bridge with plain pipes, for raw protocol tests (malformed input, signals). */
export function spawnBridge(launch: BridgeLaunch): RawBridge {
  const argv = argvFor(launch);
  const env = baseEnv(launch.env);
  const child = spawn(process.execPath, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let pending = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      lines.push(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
    for (const w of waiters) w();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const parsed = (line: string): Record<string, unknown> | null => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  return {
    child,
    argv,
    env,
    lines,
    stderr: () => stderr,
    send(message) {
      child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
    },
    next(predicate, timeoutMs = 10_000) {
      return new Promise((resolveNext, reject) => {
        let index = 0;
        const check = () => {
          for (; index < lines.length; index++) {
            const message = parsed(lines[index]!);
            if (message && predicate(message)) {
              cleanup();
              resolveNext(message);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`bridge: no matching message within ${timeoutMs} ms; stdout: ${lines.join('\n').slice(0, 2000)}; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-test', version: '1' } },
} as const;
