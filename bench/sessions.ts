// The three ways the benchmark reaches the fake vendor with the SDK Client: through our
// bridge (stdio) to the agent, directly over HTTP (the floor), and through mcp-remote (stdio);
// plus, for large results only, the stdio floor (bench/stdio-floor.cjs: no vendor at all).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { join } from 'node:path';

export type Mode = 'ours' | 'direct' | 'mcp-remote' | 'stdio-floor';

export interface BenchSession {
  readonly mode: Mode;
  readonly client: Client;
  /** The stdio child's pid (null for direct). */
  readonly pid: number | null;
  /** Milliseconds from spawn (or connect, for direct) to the initialize result. */
  readonly connectMs: number;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

export interface SessionConfig {
  root: string;
  vendorUrl: string;
  key: string;
  agentSocket: string;
  profile: string;
  /** MCP_REMOTE_CONFIG_DIR for mcp-remote (keeps its state out of $HOME). */
  remoteConfigDir: string;
}

/**
 * The SDK's HTTP client passes one long-lived AbortSignal to every fetch and Node's fetch
 * leaves a listener on it per request until GC (MaxListenersExceededWarning after ~1,500
 * requests, a warning line per request after that). The floor gets a per-request signal that
 * follows the session's, so it is not slowed by that: the comparison stays strict.
 */
const fetchWithOwnSignal: typeof fetch = (input, init) =>
  fetch(input, init?.signal ? { ...init, signal: AbortSignal.any([init.signal]) } : init);

/** The SDK's stdio client refuses messages over 10 MiB by default; the 10 MB result needs more. */
const CLIENT_MAX_MESSAGE = 64 * 1024 * 1024;

export interface SessionOptions {
  /** ours only: preload bench/heap-probe.cjs (with --expose-gc) to read the live heap on demand. */
  heapProbe?: boolean;
}

function transportFor(mode: Mode, config: SessionConfig, options: SessionOptions): { transport: Transport; stdio: StdioClientTransport | null } {
  if (mode === 'direct') {
    const transport = new StreamableHTTPClientTransport(new URL(config.vendorUrl), {
      requestInit: { headers: { 'X-API-Key': config.key } },
      fetch: fetchWithOwnSignal,
    });
    return { transport, stdio: null };
  }
  if (mode === 'stdio-floor') {
    const stdio = new StdioClientTransport({
      command: process.execPath,
      args: [join(config.root, 'bench/stdio-floor.cjs')],
      stderr: 'pipe',
      maxBufferSize: CLIENT_MAX_MESSAGE,
    });
    return { transport: stdio, stdio };
  }
  const stdio =
    mode === 'ours'
      ? new StdioClientTransport({
          command: process.execPath,
          args: [
            ...(options.heapProbe ? ['--expose-gc', '--require', join(config.root, 'bench/heap-probe.cjs')] : []),
            join(config.root, 'dist/bridge.js'),
            '--profile',
            config.profile,
            '--agent',
            config.agentSocket,
          ],
          stderr: 'pipe',
          maxBufferSize: CLIENT_MAX_MESSAGE,
        })
      : new StdioClientTransport({
          command: process.execPath,
          // The baseline takes the key the way its README shows: a ${VAR} header placeholder + env.
          args: [
            join(config.root, 'node_modules/mcp-remote/dist/proxy.js'),
            config.vendorUrl,
            '--header',
            'X-API-Key:${BENCH_KEY}',
            '--transport',
            'http-only',
            '--silent',
          ],
          env: { BENCH_KEY: config.key, MCP_REMOTE_CONFIG_DIR: config.remoteConfigDir },
          stderr: 'pipe',
          maxBufferSize: CLIENT_MAX_MESSAGE,
        });
  return { transport: stdio, stdio };
}

export async function openSession(mode: Mode, config: SessionConfig, options: SessionOptions = {}): Promise<BenchSession> {
  const { transport, stdio } = transportFor(mode, config, options);
  let stderr = '';
  stdio?.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'keybridge-bench', version: '1.0.0' });
  const started = performance.now();
  await client.connect(transport);
  const connectMs = performance.now() - started;
  return {
    mode,
    client,
    pid: stdio?.pid ?? null,
    connectMs,
    stderr: () => stderr,
    close: () => client.close(),
  };
}
