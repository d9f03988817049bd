// The profile's `network` settings (what the user set in KeyBridge, since assistants' launchers
// drop proxy variables), applied by the agent's upstream session: extra CA certificates and an
// HTTP proxy, with noProxy. HTTPS vendor = the fake vendor behind a TLS front signed by a
// throwaway CA. The bridge itself never talks to the network.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { createTestCertificates, startHttpsFront, type HttpsFront, type TestCertificates } from '../support/tls';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy';
import type { NetworkSettings } from '../../src-shared/endpoint';

const KEY = 'uo_test_network_abababab08';

let vendor: FakeVendor | undefined;
let front: HttpsFront | undefined;
let certs: TestCertificates | undefined;
let proxy: ConnectProxy | undefined;
let agent: TestAgent | undefined;
let bridge: BridgeClient | undefined;

afterEach(async () => {
  await bridge?.close();
  await agent?.close();
  await proxy?.close();
  await front?.close();
  await vendor?.close();
  await certs?.dispose();
  bridge = agent = proxy = front = vendor = certs = undefined;
});

/** An HTTPS fake vendor, and an agent whose profile carries `network(certs)`. */
async function httpsVendorWith(network: (certs: TestCertificates) => NetworkSettings | undefined): Promise<string> {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  certs = await createTestCertificates();
  front = await startHttpsFront(vendor.port, certs);
  const settings = network(certs);
  agent = await startTestAgent({ profiles: { 'mcp-claude': { endpoint: front.url, auth: 'x-api-key', key: KEY, ...(settings ? { network: settings } : {}) } } });
  return front.url;
}

const echo = async (b: BridgeClient) => ((await b.client.callTool({ name: 'echo', arguments: { text: 'over tls' } })).content as { text: string }[])[0]?.text;

describe('network settings from KeyBridge', () => {
  it('a vendor certificate from an unknown CA is refused with a clear message', async () => {
    const url = await httpsVendorWith(() => undefined);
    await expect(startBridgeClient({ profile: 'mcp-claude', agentSocket: agent!.socketPath })).rejects.toThrow(
      new RegExp(`could not reach ${url.replace(/[.]/g, '\\.')} for 'mcp-claude' \\(TLS certificate not trusted`),
    );
  });

  it('an extra CA file that cannot be read is named, with the fix', async () => {
    await httpsVendorWith((c) => ({ extraCaCerts: `${c.caFile}.missing` }));
    await expect(startBridgeClient({ profile: 'mcp-claude', agentSocket: agent!.socketPath })).rejects.toThrow(
      /for 'mcp-claude' \(cannot read the extra CA certificates .*\.missing \(ENOENT\); fix the path in KeyBridge's settings\)/,
    );
  });

  it('extraCaCerts makes that CA trusted', async () => {
    await httpsVendorWith((c) => ({ extraCaCerts: c.caFile }));
    bridge = await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent!.socketPath });
    expect(await echo(bridge)).toBe('over tls');
    expect(front!.handshakes).toBeGreaterThan(0);
  });

  it('proxy: upstream traffic tunnels through it; noProxy bypasses it', async () => {
    const viaProxy = (proxy = await startConnectProxy());
    await httpsVendorWith((c) => ({ proxy: viaProxy.url, extraCaCerts: c.caFile }));
    bridge = await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent!.socketPath });
    expect(await echo(bridge)).toBe('over tls');
    expect(proxy.tunnels).toContain(`127.0.0.1:${front!.port}`);
    await bridge.close();

    const tunnelsBefore = proxy.tunnels.length;
    await agent!.pushCredentials('mcp-claude', {
      endpoint: front!.url,
      auth: 'x-api-key',
      key: KEY,
      network: { proxy: proxy.url, noProxy: '127.0.0.1', extraCaCerts: certs!.caFile },
    });
    bridge = await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent!.socketPath });
    expect(await echo(bridge)).toBe('over tls');
    expect(proxy.tunnels.length).toBe(tunnelsBefore);
  });

  it('settings changed under a running session apply to its next request', async () => {
    const viaProxy = (proxy = await startConnectProxy());
    await httpsVendorWith((c) => ({ extraCaCerts: c.caFile }));
    bridge = await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent!.socketPath });
    expect(await echo(bridge)).toBe('over tls');
    expect(viaProxy.tunnels).toEqual([]);
    await agent!.pushCredentials('mcp-claude', { endpoint: front!.url, auth: 'x-api-key', key: KEY, network: { proxy: viaProxy.url, extraCaCerts: certs!.caFile } });
    expect(await echo(bridge)).toBe('over tls');
    expect(viaProxy.tunnels).toContain(`127.0.0.1:${front!.port}`);
  });
});
