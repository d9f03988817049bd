// Network faults and settings, through the built bridge and the real agent (which carries the
// upstream session): DNS failure (the agent in a sandboxed resolver, no traffic off the
// machine), an HTTPS endpoint signed by a CA the system does not trust (clear error; trusted
// via the profile's network.extraCaCerts: works), and the user's proxy and NO_PROXY from
// KeyBridge's network settings (assistants' launchers drop HTTPS_PROXY & co, and the bridge
// does no HTTP anyway).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSettings } from '../../src-shared/endpoint';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent } from '../support/test-agent';
import { startBridgeClient } from '../support/bridge-process';
import { createTestCertificates, startHttpsFront, type HttpsFront, type TestCertificates } from '../support/tls';
import { startConnectProxy } from '../support/connect-proxy';
import { until } from '../support/until';
import { dnsSandboxAvailable, startDnsSandbox } from './dns-sandbox';

const KEY = 'uo_test_faults_network_0001';
const PROFILE = 'net';
const AGENT_PATH = resolve(__dirname, '../../dist/agent.js');

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

/** Starts the agent with a profile for `endpoint` (+ network) and a bridge to it; returns the bridge or the connect error. */
async function connectThrough(endpoint: string, network?: NetworkSettings) {
  const agent = await startTestAgent({ profiles: { [PROFILE]: { endpoint, auth: 'x-api-key', key: KEY, ...(network ? { network } : {}) } } });
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

const text = (result: unknown) => (result as { content: { text: string }[] }).content[0]?.text;

describe('network faults and settings', () => {
  it('DNS failure: initialize is answered with an error naming the host; the resolver was asked only on 127.0.0.1', async () => {
    // Root + unshare are needed for the sandbox (see dns-sandbox.ts); this machine has them.
    expect(dnsSandboxAvailable()).toBe(true);
    expect(existsSync(AGENT_PATH), `${AGENT_PATH} is missing: build it with \`node scripts/build.mjs agent\``).toBe(true);
    const dns = await startDnsSandbox();
    cleanups.push(() => dns.close());
    // The agent resolves the vendor's host, so the agent is what runs in the sandbox: the
    // headless agent (the same agent module) as a process of its own.
    const dir = await mkdtemp(join(tmpdir(), 'kb-dns-agent-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const profiles = join(dir, 'profiles.json');
    writeFileSync(profiles, JSON.stringify({ profiles: { [PROFILE]: { endpoint: 'https://nonexistent.invalid/mcp', auth: 'x-api-key', key: KEY } } }), { mode: 0o600 });
    const socketPath = join(dir, 'run', 'agent.sock');
    const { command, args } = dns.wrap(process.execPath, [AGENT_PATH, '--profiles', profiles, '--socket', socketPath]);
    const agent = spawn(command, args, { env: { PATH: process.env.PATH ?? '', HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let agentLog = '';
    agent.stderr.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    const exited = new Promise((r) => agent.once('exit', r));
    cleanups.push(async () => {
      agent.kill('SIGKILL');
      await exited;
    });
    await until(() => / listening on /.test(agentLog) || agent.exitCode !== null, 'the agent to listen', 15_000);
    expect(agent.exitCode, agentLog).toBeNull();

    const error = await startBridgeClient({ profile: PROFILE, agentSocket: socketPath, logLevel: 'warn' }).then(
      (bridge) => {
        cleanups.push(() => bridge.close());
        return null;
      },
      (e: Error) => e,
    );
    expect(error?.message).toContain('nonexistent.invalid');
    expect(error?.message).toMatch(/host not found/);
    expect(error?.message).not.toContain(KEY);
    expect(agentLog).not.toContain(KEY);
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
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'over tls' } }))).toBe('over tls');
    expect(front.handshakes).toBeGreaterThan(0);
    expect(vendor.requests.every((r) => r.xApiKey === KEY)).toBe(true);
  });

  it('TLS: a missing extraCaCerts file is named in the error, with where to fix it', async () => {
    const { vendor, certs, front } = await tlsVendor();
    const outcome = await connectThrough(front.url, { extraCaCerts: join(certs.dir, 'nope.pem') });
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toContain('cannot read the extra CA certificates');
    expect((outcome as Error).message).toContain('nope.pem');
    expect(vendor.requests).toHaveLength(0);
  });

  it('proxy + CA from the settings: the call is tunnelled through the CONNECT proxy to the TLS endpoint', async () => {
    const { vendor, certs, front } = await tlsVendor();
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const bridge = await connectThrough(front.url, { proxy: proxy.url, extraCaCerts: certs.caFile });
    if (bridge instanceof Error) throw bridge;
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'via proxy' } }))).toBe('via proxy');
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`127.0.0.1:${front.port}`]));
    expect(proxy.refused).toEqual([]);
    expect(vendor.requests.length).toBeGreaterThan(0);
  });

  it('NO_PROXY from the settings: a matching endpoint bypasses the proxy', async () => {
    const { certs, front } = await tlsVendor();
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const bridge = await connectThrough(front.url, { proxy: proxy.url, noProxy: 'localhost,127.0.0.1', extraCaCerts: certs.caFile });
    if (bridge instanceof Error) throw bridge;
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'direct' } }))).toBe('direct');
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
    expect(front.handshakes).toBeGreaterThan(0);
  });

  it('the bridge itself never opens a network connection: with the proxy set only in its environment, nothing goes through it', async () => {
    const { vendor, certs, front } = await tlsVendor();
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const agent = await startTestAgent({ profiles: { [PROFILE]: { endpoint: front.url, auth: 'x-api-key', key: KEY, network: { extraCaCerts: certs.caFile } } } });
    cleanups.push(() => agent.close());
    const bridge = await startBridgeClient({ profile: PROFILE, agentSocket: agent.socketPath, logLevel: 'warn', env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } });
    cleanups.push(() => bridge.close());
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'agent side' } }))).toBe('agent side');
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
    expect(vendor.requests.length).toBeGreaterThan(0);
  });
});
