// "Test connection": start the bridge exactly as an assistant would (the entry's command,
// args and env, over stdio, through the SDK's own stdio client) and run initialize + tools/list.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ProbeResult } from '../../src-shared/profile';
import { redact } from '../../src-shared/redact';
import { probeSuccess } from '../upstream/probe-success';
import type { BridgeEntry } from './bridge-entry';

export interface TestConnectionOptions {
  /** Give up after this long (the bridge may first start the tray app and wait for it). */
  timeoutMs?: number;
  /** Told to the bridge in initialize, as an assistant names itself. */
  clientName?: string;
  /** Added to the entry's environment (the one-time approval token). */
  env?: Record<string, string>;
}

/** Runs the entry and reports the server's name, version, tool count and round-trip time, or
 * the bridge's error (the vendor's words, already mapped by the bridge). Always stops the child. */
export async function testConnection(entry: BridgeEntry, options: TestConnectionOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const env = options.env ? { ...entry.env, ...options.env } : entry.env;
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const client = new Client({ name: options.clientName ?? 'KeyBridge (test connection)', version: '0.1.0' });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The bridge did not answer within ${timeoutMs / 1000} s.`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect(transport, { timeout: timeoutMs }), timeout]);
    const tools = await Promise.race([client.listTools(undefined, { timeout: timeoutMs }), timeout]);
    return probeSuccess(client, tools.tools.length, Math.round(performance.now() - started), new Date().toISOString());
  } catch (error) {
    return { ok: false, status: upstreamStatus(error), message: failureMessage(error, stderr), at: new Date().toISOString() };
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
  }
}

// The bridge puts the upstream HTTP status in the JSON-RPC error's data.
const errorDataSchema = z.object({ status: z.number().int() });

function upstreamStatus(error: unknown): number | null {
  if (!(error instanceof McpError)) return null;
  const data = errorDataSchema.safeParse(error.data);
  return data.success ? data.data.status : null;
}

function failureMessage(error: unknown, stderr: string): string {
  const base = error instanceof Error ? error.message : String(error);
  // The SDK prefixes JSON-RPC errors with "MCP error <code>: "; the rest is the bridge's sentence.
  let message = base.replace(/^MCP error -?\d+:\s*/, '');
  if (/ENOENT|EACCES/.test(base)) message = `The bridge launcher could not be started (${base}). Reinstall the connection from KeyBridge.`;
  else if (/Connection closed/i.test(base) && stderr.trim()) message = `The bridge stopped: ${stderr.trim().split('\n').slice(-3).join(' ')}`;
  return redact(message);
}
