// Network faults and settings through the built bridge: DNS failure (sandboxed resolver, no
// traffic off the machine), an HTTPS endpoint signed by a CA the system does not trust (clear
// error; trusted via the agent's network.extraCaCerts: works), and the user's proxy and
// NO_PROXY from the agent's `network` (assistants' launchers drop HTTPS_PROXY & co).
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { NetworkSettings } from '../../src-shared/agent-protocol';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startFakeAgent } from '../support/fake-agent';
import { bridgePath, startBridgeClient } from '../support/bridge-process';
import { createTestCertificates, startHttpsFront, type HttpsFront, type TestCertificates } from '../support/tls';
import { startConnectProxy } from '../support/connect-proxy';
import { dnsSandboxAvailable, startDnsSandbox } from './dns-sandbox';

const KEY = 'uo_test_faults_network_0001';
const PROFILE = 'net';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function tlsVendor(): Promise<{ vendor: FakeVendor; certs: TestCertificates; front: HttpsFront }> {
  const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  cleanups.push(() => vendor.close());
  const certs = await createTestCertificates();
  cleanups.push(() => certs.dispose());
  const front = await startHttpsFront(vendor.port, certs);
  cleanups.push(() => front.close());
  return { vendor, certs, front };
}

/** Starts a bridge whose agent hands out `endpoint` (+ network); returns the connect outcome. */
async function connectThrough(endpoint: string, network?: NetworkSettings) {
  const agent = await startFakeAgent({ profiles: { [PROFILE]: { endpoint, auth: 'x-api-key', key: KEY, ...(network ? { network } : {}) } } });
  cleanups.push(() => agent.close());
  const bridge = await startBridgeClient({ profile: PROFILE, agentSocket: agent.socketPath, logLevel: 'warn' }).then(
    (b) => {
      cleanups.push(() => b.close());
      return b;
    },
    (error: Error) => error,
  );
  return bridge;
}

describe('network faults and settings', () => {
  it('DNS failure: initialize is answered with an error naming the host; the resolver was asked only on 127.0.0.1', async () => {
    // Root + unshare are needed for the sandbox (see dns-sandbox.ts); this machine has them.
    expect(dnsSandboxAvailable()).toBe(true);
    const dns = await startDnsSandbox();
    cleanups.push(() => dns.close());
    const agent = await startFakeAgent({ profiles: { [PROFILE]: { endpoint: 'https://nonexistent.invalid/mcp', auth: 'x-api-key', key: KEY } } });
    cleanups.push(() => agent.close());
    const { command, args } = dns.wrap(process.execPath, [bridgePath(), '--profile', PROFILE, '--agent', agent.socketPath]);
    const transport = new StdioClientTransport({ command, args, env: { PATH: process.env.PATH ?? '' }, stderr: 'pipe' });
    const client = new Client({ name: 'dns-test', version: '1' });
    cleanups.push(() => client.close());
    const error = await client.connect(transport).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain('nonexistent.invalid');
    expect(error?.message).toMatch(/host not found/);
    expect(dns.queries.length).toBeGreaterThan(0);
    expect(new Set(dns.queries)).toEqual(new Set(['nonexistent.invalid']));
  });

  it('TLS: an endpoint signed by an untrusted CA fails with a clear certificate error', async () => {
    const { vendor, front } = await tlsVendor();
    const outcome = await connectThrough(front.url);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/TLS certificate not trusted/);
    expect((outcome as Error).message).toContain(`127.0.0.1:${front.port}`);
    expect(vendor.requests).toHaveLength(0);
  });

  it('TLS: the same endpoint works once its CA is given as network.extraCaCerts', async () => {
    const { vendor, certs, front } = await tlsVendor();
    const bridge = await connectThrough(front.url, { extraCaCerts: certs.caFile });
    if (bridge instanceof Error) throw bridge;
    const result = await bridge.client.callTool({ name: 'echo', arguments: { text: 'over tls' } });
    expect((result.content as { text: string }[])[0]?.text).toBe('over tls');
    expect(front.handshakes).toBeGreaterThan(0);
    expect(vendor.requests.every((r) => r.xApiKey === KEY)).toBe(true);
  });

  it('proxy + CA from the agent: the call is tunnelled through the CONNECT proxy to the TLS endpoint', async () => {
    const { vendor, certs, front } = await tlsVendor();
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const bridge = await connectThrough(front.url, { proxy: proxy.url, extraCaCerts: certs.caFile });
    if (bridge instanceof Error) throw bridge;
    const result = await bridge.client.callTool({ name: 'echo', arguments: { text: 'via proxy' } });
    expect((result.content as { text: string }[])[0]?.text).toBe('via proxy');
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`127.0.0.1:${front.port}`]));
    expect(proxy.refused).toEqual([]);
    expect(vendor.requests.length).toBeGreaterThan(0);
  });

  it('NO_PROXY from the agent: a matching endpoint bypasses the proxy', async () => {
    const { certs, front } = await tlsVendor();
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const bridge = await connectThrough(front.url, { proxy: proxy.url, noProxy: 'localhost,127.0.0.1', extraCaCerts: certs.caFile });
    if (bridge instanceof Error) throw bridge;
    const result = await bridge.client.callTool({ name: 'echo', arguments: { text: 'direct' } });
    expect((result.content as { text: string }[])[0]?.text).toBe('direct');
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
    expect(front.handshakes).toBeGreaterThan(0);
  });
});
