// A test double of main for the component tests (jsdom): an in-memory answer per IPC channel,
// fed through the app's own buildKeyBridgeApi so the components see exactly the preload API.
// The end-to-end tests in test/e2e drive the REAL main-side services instead; here each test
// sets the few answers it needs and asserts what the renderer sent.
import { buildKeyBridgeApi, type Invoke, type Subscribe } from '../../src-shared/preload-api';
import type { ClientView, EventChannel, EventPayload, InvokeChannel, InvokeResult, SessionView } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';

type Answer = (args: readonly unknown[]) => InvokeResult<unknown> | Promise<InvokeResult<unknown>>;

export interface FakeMain {
  /** Every invoke the page made, in order. */
  readonly calls: { channel: InvokeChannel; args: readonly unknown[] }[];
  answer(channel: InvokeChannel, answer: Answer): void;
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  callsTo(channel: InvokeChannel): (readonly unknown[])[];
}

export const ok = <T>(value: T): InvokeResult<T> => ({ ok: true, value });
export const fail = (error: string): InvokeResult<never> => ({ ok: false, error });

const DEFAULTS: Partial<Record<InvokeChannel, unknown>> = {
  'profiles:list': [],
  'clients:list': [],
  'notices:list': [],
  'activity:sessions': [],
  'activity:events': [],
  'decisions:list': [],
  'migration:scan': { findings: [], errors: [] },
  'settings:get': { launchAtLogin: false, approvalPrompts: true, allowWeakStorage: false, network: {}, logLevel: 'info' },
  'settings:storage': { mode: 'keychain', backend: 'test', explanation: 'Keys are encrypted.' },
  'app:open-external': {},
  'clients:open-install-link': {},
};

/** Installs window.keybridge backed by an in-memory main; returns its controls. */
export function installFakeMain(): FakeMain {
  const answers = new Map<InvokeChannel, Answer>();
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const calls: FakeMain['calls'] = [];

  const invoke = (async (channel: InvokeChannel, args: readonly unknown[]) => {
    calls.push({ channel, args });
    const answer = answers.get(channel);
    if (answer) return answer(args);
    if (channel in DEFAULTS) return ok(DEFAULTS[channel]);
    return fail(`fake main has no answer for ${channel}`);
  }) as Invoke;

  const subscribe = ((channel: EventChannel, listener: (payload: unknown) => void) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  }) as Subscribe;

  Object.defineProperty(window, 'keybridge', { value: buildKeyBridgeApi(invoke, subscribe), configurable: true });

  return {
    calls,
    answer: (channel, answer) => answers.set(channel, answer),
    emit: (channel, payload) => listeners.get(channel)?.forEach((listener) => listener(payload)),
    callsTo: (channel) => calls.filter((call) => call.channel === channel).map((call) => call.args),
  };
}

/** jsdom has <dialog> but not showModal/close; the real behaviour is checked in Chromium (test/e2e). */
export function polyfillDialog(): void {
  const proto = HTMLDialogElement.prototype;
  if (typeof proto.showModal === 'function') return;
  proto.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  proto.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
}

export function profileView(overrides: Partial<ProfileView> & Pick<ProfileView, 'name'>): ProfileView {
  return {
    vendor: 'uptimeobserver',
    endpoint: 'https://mcp.uptimeobserver.com/mcp',
    auth: 'x-api-key',
    keyPrefix: null,
    note: '',
    key: { masked: 'uo_…9f3a', fingerprint: 'sha256:00000001' },
    state: 'ok',
    paused: false,
    lastCheck: null,
    addedAt: '2026-11-23T10:00:00.000Z',
    lastVerifiedAt: '2026-11-23T10:00:00.000Z',
    lastUsedAt: null,
    previous: null,
    warnings: [],
    ...overrides,
  };
}

export function clientView(overrides: Partial<ClientView> & Pick<ClientView, 'id' | 'label'>): ClientView {
  return {
    projectDir: null,
    configPath: `/home/u/.config/${overrides.label}/config.json`,
    state: 'not-connected',
    profiles: [],
    plaintextKeys: 0,
    plaintextBackups: 0,
    error: null,
    problems: [],
    ...overrides,
  };
}

export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1',
    profile: 'mcp-claude',
    client: { name: 'Claude Desktop', pid: 4242 },
    since: new Date().toISOString(),
    upstream: 'ok',
    requests: 3,
    errors: 0,
    lastError: null,
    ...overrides,
  };
}
