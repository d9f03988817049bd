// The success half of a ProbeResult, from a connected SDK client: shared by the direct probe
// (verify) and the test connection through the real bridge.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ProbeResult } from '../../src-shared/profile';

export function probeSuccess(client: Client, toolCount: number, latencyMs: number, at: string): Extract<ProbeResult, { ok: true }> {
  const server = client.getServerVersion();
  return { ok: true, serverName: server?.name ?? 'unknown', serverVersion: server?.version ?? 'unknown', toolCount, latencyMs, at };
}
