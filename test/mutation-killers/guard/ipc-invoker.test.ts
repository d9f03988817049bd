// The IPC guard (src-main/app/ipc-handlers.ts) on a REAL app core (core-harness: temp dirs, a
// test cipher): the exact words of its refusals, an invoker built without options still
// answering (never rejecting) when an action fails or answers off the contract, a channel
// that is not a string refused whatever its text, a core missing a whole domain refused at
// start, and core events: parsed, off-contract ones reported redacted, none after unsubscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHub } from '../../../src-main/app/event-hub';
import { createInvoker, createIpcHandlers, isInvokeChannel, subscribeCoreEvents, type IpcHandlers } from '../../../src-main/app/ipc-handlers';
import { EVENT_CHANNELS, type EventChannel, type InvokeResult } from '../../../src-shared/ipc-contract';
import { INTERNAL_ERROR_MESSAGE, UserError } from '../../../src-shared/user-error';
import { startCoreHarness, type CoreHarness } from '../../main/app/core-harness';

const KEY = 'uo_test_guardinvoker1a2b3c4d';

let harness: CoreHarness;
let handlers: IpcHandlers;
beforeAll(async () => {
  harness = await startCoreHarness();
  handlers = createIpcHandlers(harness.core);
});
afterAll(async () => {
  await harness?.close();
});

function failure(result: InvokeResult<unknown>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('the invoker refuses, in so many words', () => {
  it('an unknown channel, named in at most 80 characters', async () => {
    const invoke = createInvoker(handlers);
    const long = `profiles:${'x'.repeat(200)}`;
    expect(failure(await invoke(long, []))).toBe(`Unknown request '${long.slice(0, 80)}'.`);
    expect(failure(await invoke('nope', []))).toBe("Unknown request 'nope'.");
  });

  it('a channel that is not a string, even one whose text names a channel', async () => {
    const array = ['settings:get'];
    const object = { toString: () => 'settings:get' };
    expect(isInvokeChannel('settings:get')).toBe(true);
    expect(isInvokeChannel(array)).toBe(false);
    expect(isInvokeChannel(object)).toBe(false);
    const invoke = createInvoker(handlers) as (channel: unknown, args: unknown) => Promise<InvokeResult<unknown>>;
    expect(failure(await invoke(array, []))).toBe("Unknown request 'settings:get'.");
    expect(failure(await invoke(object, []))).toBe("Unknown request 'settings:get'.");
  });

  it('arguments off the contract: where and what of the first issue, and how many more', async () => {
    const invoke = createInvoker(handlers);
    // The arguments are not even a list: the issue is at the top, so no place is named.
    expect(failure(await invoke('profiles:remove', 'mcp-claude'))).toBe('Invalid request profiles:remove: Invalid input: expected tuple, received string');
    // One issue, inside the first argument.
    expect(failure(await invoke('settings:update', [{ logLevel: 'loud' }]))).toMatch(/^Invalid request settings:update: 0\.logLevel: [^(]+$/);
    // Two and three issues.
    expect(failure(await invoke('settings:update', [{ logLevel: 'loud', approvalPrompts: 'yes' }]))).toMatch(/^Invalid request settings:update: 0\.\w+: .+ \(and 1 more\)$/);
    expect(failure(await invoke('settings:update', [{ logLevel: 'loud', approvalPrompts: 'yes', launchAtLogin: 3 }]))).toMatch(/ \(and 2 more\)$/);
  });
});

describe('an invoker built without options', () => {
  it('answers a bug thrown by an action with the plain sentence, not a rejection', async () => {
    const invoke = createInvoker({
      ...handlers,
      'profiles:rollback': async () => {
        throw new Error(`bug with ${KEY}`);
      },
    });
    expect(failure(await invoke('profiles:rollback', ['mcp-claude']))).toBe(INTERNAL_ERROR_MESSAGE);
  });

  it('answers a result off the contract with the short internal error, not a rejection', async () => {
    const invoke = createInvoker({ ...handlers, 'settings:get': async () => ({ nonsense: true }) as never });
    expect(failure(await invoke('settings:get', []))).toBe('KeyBridge could not complete settings:get (internal error).');
  });

  it('passes a UserError on, redacted', async () => {
    const invoke = createInvoker({
      ...handlers,
      'profiles:verify': async () => {
        throw new UserError(`the vendor refused ${KEY}`);
      },
    });
    expect(failure(await invoke('profiles:verify', ['mcp-claude']))).toBe('the vendor refused [redacted]');
  });
});

describe('what main is told about its own faults', () => {
  it('a bug: the channel and the stack, redacted', async () => {
    const told: [string, string][] = [];
    const invoke = createInvoker(
      {
        ...handlers,
        'profiles:rollback': async () => {
          throw new TypeError(`bug with ${KEY}`);
        },
      },
      { onInternalError: (channel, detail) => void told.push([channel, detail]) },
    );
    failure(await invoke('profiles:rollback', ['mcp-claude']));
    expect(told).toHaveLength(1);
    expect(told[0]![0]).toBe('profiles:rollback');
    expect(told[0]![1]).toMatch(/^TypeError: bug with \[redacted\]\n\s+at /);
  });

  it('a result off the contract: the channel and its issues, redacted', async () => {
    const told: [string, string][] = [];
    const invoke = createInvoker(
      { ...handlers, 'decisions:list': async () => [{ client: 'Claude', profile: KEY, decision: 'allow', at: 'now' }, { client: 3 }] as never },
      { onInternalError: (channel, detail) => void told.push([channel, detail]) },
    );
    expect(failure(await invoke('decisions:list', []))).toBe('KeyBridge could not complete decisions:list (internal error).');
    expect(told).toHaveLength(1);
    expect(told[0]![0]).toBe('decisions:list');
    expect(told[0]![1]).toMatch(/^1\.client: .+ \(and \d+ more\)$/);
  });

  it('nothing when all went well', async () => {
    const told: string[] = [];
    const invoke = createInvoker(handlers, { onInternalError: (channel) => void told.push(channel) });
    expect(await invoke('decisions:list', [])).toEqual({ ok: true, value: [] });
    expect(told).toEqual([]);
  });
});

describe('the handler table', () => {
  it('a core without a whole domain is refused at start, naming what is missing', () => {
    const { clipboard: _gone, ...rest } = harness.core;
    expect(() => createIpcHandlers(rest as unknown as typeof harness.core)).toThrow('The app core has no clipboard.pasteKey for clipboard:paste-key.');
  });

  it("calls the core's action on its own object", async () => {
    const calls: unknown[] = [];
    const group = {
      list(this: unknown) {
        calls.push(this);
        return Promise.resolve([]);
      },
    };
    const table = createIpcHandlers({ ...harness.core, notices: { ...harness.core.notices, ...group } } as typeof harness.core);
    expect(await table['notices:list']()).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ list: group.list });
  });
});

describe('core events to the window', () => {
  it('forwards payloads on the contract (stripped to it), reports others redacted, and stops when unsubscribed', () => {
    const hub = createEventHub(() => undefined);
    const emitted: [EventChannel, unknown][] = [];
    const invalid: [EventChannel, string][] = [];
    const unsubscribe = subscribeCoreEvents(
      { on: hub.on },
      (channel, payload) => void emitted.push([channel, payload]),
      (channel, detail) => void invalid.push([channel, detail]),
    );
    const navigate = { screen: 'keys', action: null, profile: 'mcp-claude' } as const;
    hub.emit('app:navigate', { ...navigate, extra: KEY } as never);
    expect(emitted).toEqual([['app:navigate', navigate]]);
    hub.emit('app:navigate', { screen: KEY, action: null, profile: null } as never);
    expect(emitted).toHaveLength(1);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]![0]).toBe('app:navigate');
    expect(invalid[0]![1]).toMatch(/^screen: /);
    expect(invalid[0]![1]).not.toContain(KEY);

    unsubscribe();
    for (const channel of EVENT_CHANNELS) hub.emit(channel, [] as never);
    hub.emit('app:navigate', navigate);
    expect(emitted).toHaveLength(1);
    expect(invalid).toHaveLength(1);
  });

  it('forwards every event channel', () => {
    const hub = createEventHub(() => undefined);
    const emitted: EventChannel[] = [];
    const unsubscribe = subscribeCoreEvents({ on: hub.on }, (channel) => void emitted.push(channel));
    hub.emit('profiles:changed', []);
    hub.emit('clients:changed', []);
    hub.emit('activity:sessions-changed', []);
    hub.emit('notices:changed', []);
    hub.emit('app:navigate', { screen: 'settings', action: null, profile: null });
    // Off the contract, with no one to tell: dropped quietly.
    hub.emit('activity:event', { nonsense: true } as never);
    expect(emitted).toEqual(['profiles:changed', 'clients:changed', 'activity:sessions-changed', 'notices:changed', 'app:navigate']);
    unsubscribe();
  });
});
