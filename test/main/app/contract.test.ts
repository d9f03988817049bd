// The contract is the one list of the window's actions: every channel has a handler on the
// real core, and the preload exposes it under its nested name, invoking exactly that channel
// (the sender guard on each is tried from foreign frames in test/shell/boot.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, splitChannel, type EventChannel, type InvokeChannel } from '../../../src-shared/ipc-contract';
import { buildKeyBridgeApi, type Invoke, type Subscribe } from '../../../src-shared/preload-api';
import { createIpcHandlers } from '../../../src-main/app/ipc-handlers';
import { startCoreHarness, type CoreHarness } from './core-harness';

let harness: CoreHarness;
beforeAll(async () => {
  harness = await startCoreHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('the IPC contract', () => {
  it('every channel has a handler on the real core', () => {
    const handlers = createIpcHandlers(harness.core);
    expect(Object.keys(handlers).sort()).toEqual([...INVOKE_CHANNELS].sort());
    for (const channel of INVOKE_CHANNELS) expect(typeof handlers[channel]).toBe('function');
  });

  it('a core missing an action is refused at start, naming it', () => {
    const { profiles, ...rest } = harness.core;
    const { verifyAll: _missing, ...someProfiles } = profiles;
    expect(() => createIpcHandlers({ ...rest, profiles: someProfiles } as unknown as typeof harness.core)).toThrow(/profiles\.verifyAll for profiles:verify-all/);
  });

  it('the preload exposes each channel under its nested name, and nothing else', async () => {
    const invoked: { channel: InvokeChannel; args: unknown }[] = [];
    const subscribed: EventChannel[] = [];
    const invoke = (async (channel: InvokeChannel, args: unknown) => {
      invoked.push({ channel, args });
      return { ok: true, value: undefined };
    }) as Invoke;
    const subscribe = ((channel: EventChannel) => {
      subscribed.push(channel);
      return () => undefined;
    }) as Subscribe;
    const api = buildKeyBridgeApi(invoke, subscribe) as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>;
    for (const channel of INVOKE_CHANNELS) {
      const { domain, action } = splitChannel(channel);
      await api[domain]![action]!('a', 'b');
      expect(invoked.at(-1)).toEqual({ channel, args: ['a', 'b'] });
    }
    for (const channel of EVENT_CHANNELS) {
      const { domain, action } = splitChannel(channel);
      api[domain]![`on${action[0]!.toUpperCase()}${action.slice(1)}`]!(() => undefined);
      expect(subscribed.at(-1)).toBe(channel);
    }
    const exposed = Object.values(api).reduce((n, group) => n + Object.keys(group).length, 0);
    expect(exposed).toBe(INVOKE_CHANNELS.length + EVENT_CHANNELS.length);
    expect(splitChannel('profiles:verify-all')).toEqual({ domain: 'profiles', action: 'verifyAll' });
  });
});
