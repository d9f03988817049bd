// The approval policy over a decisions store (the vault's settings service is stood in for by
// a Map with the same interface). Decisions are keyed on the assistant's executable path as the
// OS reported it; a client the OS could not vouch for gets Allow once at most, never remembered.
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src-shared/ipc-contract';
import { createApprovalPolicy, preApprovalKey, type AccessRequest, type ApprovalAnswer } from '../../../src-main/app/approval';
import type { BridgeClient } from '../../../src-main/agent';
import type { SettingsService } from '../../../src-main/vault';

function memoryDecisions(): SettingsService['decisions'] {
  const map = new Map<string, Decision>();
  const k = (c: string, p: string) => `${c}\0${p}`;
  return {
    list: () => [...map.values()],
    find: (c, p) => map.get(k(c, p))?.decision ?? null,
    remember: (c, p, decision) => void map.set(k(c, p), { client: c, profile: p, decision, at: 'now' }),
    forget: (c, p) => void map.delete(k(c, p)),
    subscribe: () => () => undefined,
  };
}

function setup(enabled = true) {
  const decisions = memoryDecisions();
  const asked: AccessRequest[] = [];
  const told: AccessRequest[] = [];
  const decided: [string, boolean, string][] = [];
  const pending: ((a: ApprovalAnswer) => void)[] = [];
  const policy = createApprovalPolicy({
    decisions,
    enabled: () => enabled,
    ask: (request) => {
      asked.push(request);
      return new Promise((resolve) => pending.push(resolve));
    },
    onAsk: (request) => void told.push(request),
    onDecided: (request, allowed, how) => void decided.push([request.profile, allowed, how]),
  });
  /** Answers the oldest open prompt. */
  const answer = (a: ApprovalAnswer) => {
    const resolve = pending.shift();
    if (!resolve) throw new Error('no prompt is open');
    resolve(a);
  };
  return { decisions, asked, told, decided, answer, open: () => pending.length, policy };
}
const tick = () => new Promise((r) => setImmediate(r));

const CLAUDE = '/opt/Claude/claude-desktop';
const CURSOR = '/usr/share/cursor/cursor';

function verified(exe: string, pid: number, claimedName: string | null = 'claude-ai'): BridgeClient {
  return { name: exe === CLAUDE ? 'Claude Desktop' : 'Cursor', verified: true, exe, pid, claimedName };
}
function unverified(claimedName: string | null = 'claude-ai'): BridgeClient {
  return { name: claimedName ? `${claimedName} (unverified)` : 'An unverified app', verified: false, exe: null, pid: null, claimedName };
}

describe('approval policy', () => {
  it('allows everyone without asking when prompts are off', async () => {
    const { policy, asked, decided } = setup(false);
    expect(await policy({ client: verified(CURSOR, 1), profile: 'p' })).toBe(true);
    expect(await policy({ client: unverified(), profile: 'p' })).toBe(true);
    expect(asked).toEqual([]);
    expect(decided).toEqual([
      ['p', true, 'prompts-off'],
      ['p', true, 'prompts-off'],
    ]);
  });

  it('asks once for concurrent requests of the same verified assistant and profile', async () => {
    const { policy, asked, told, answer, open } = setup();
    const a = policy({ client: verified(CURSOR, 1), profile: 'p' });
    const b = policy({ client: verified(CURSOR, 2), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(1);
    expect(told).toHaveLength(1);
    expect(open()).toBe(1);
    answer('allow-once');
    expect(await Promise.all([a, b])).toEqual([true, true]);
  });

  it('shares nothing between profiles or between assistants', async () => {
    const { policy, asked, answer } = setup();
    const a = policy({ client: verified(CURSOR, 1), profile: 'p' });
    const b = policy({ client: verified(CURSOR, 1), profile: 'q' });
    const c = policy({ client: verified(CLAUDE, 1), profile: 'p' });
    await tick();
    expect(asked.map((r) => [r.client.exe, r.profile])).toEqual([
      [CURSOR, 'p'],
      [CURSOR, 'q'],
      [CLAUDE, 'p'],
    ]);
    answer('allow-once');
    answer('deny');
    answer('always');
    expect(await Promise.all([a, b, c])).toEqual([true, false, true]);
  });

  it('Allow once covers that assistant process (its bridge may reconnect) and is not remembered', async () => {
    const { policy, asked, answer, decisions } = setup();
    const first = policy({ client: verified(CURSOR, 7), profile: 'p' });
    await tick();
    answer('allow-once');
    expect(await first).toBe(true);
    expect(await policy({ client: verified(CURSOR, 7), profile: 'p' })).toBe(true);
    expect(asked).toHaveLength(1);
    expect(decisions.list()).toEqual([]);
    // Another process of the same app, or the same process for another profile: asked again.
    const otherPid = policy({ client: verified(CURSOR, 8), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(2);
    answer('deny');
    expect(await otherPid).toBe(false);
    const otherProfile = policy({ client: verified(CURSOR, 7), profile: 'q' });
    await tick();
    expect(asked).toHaveLength(3);
    answer('allow-once');
    expect(await otherProfile).toBe(true);
  });

  it('Always allow and Deny are remembered per executable path and profile, whatever the pid or the name claimed', async () => {
    const { policy, asked, answer, decisions, decided } = setup();
    const a = policy({ client: verified(CLAUDE, 1), profile: 'p' });
    await tick();
    answer('always');
    expect(await a).toBe(true);
    expect(await policy({ client: verified(CLAUDE, 99, 'something else'), profile: 'p' })).toBe(true);
    const b = policy({ client: verified(CLAUDE, 1), profile: 'q' });
    await tick();
    answer('deny');
    expect(await b).toBe(false);
    expect(await policy({ client: verified(CLAUDE, 5), profile: 'q' })).toBe(false);
    expect(asked).toHaveLength(2);
    expect(decisions.list().map((d) => [d.client, d.profile, d.decision])).toEqual([
      [CLAUDE, 'p', 'allow'],
      [CLAUDE, 'q', 'deny'],
    ]);
    expect(decided.filter(([, , how]) => how === 'remembered')).toEqual([
      ['p', true, 'remembered'],
      ['q', false, 'remembered'],
    ]);
    // Another executable that claims the same name is a stranger.
    const impostor = policy({ client: { ...verified(CURSOR, 1, 'claude-ai'), name: 'Claude Desktop' }, profile: 'p' });
    await tick();
    expect(asked).toHaveLength(3);
    answer('deny');
    expect(await impostor).toBe(false);
  });

  it('an unverified client is never remembered: Always counts as once, Deny is not stored, nothing carries over', async () => {
    const { policy, asked, answer, decisions, decided } = setup();
    const a = policy({ client: unverified(), profile: 'p' });
    await tick();
    expect(asked[0]!.client).toMatchObject({ verified: false, exe: null, pid: null });
    answer('always');
    expect(await a).toBe(true);
    expect(decided.at(-1)).toEqual(['p', true, 'allow-once']);
    // The same claim again: asked again (nothing tells it is the same app).
    const b = policy({ client: unverified(), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(2);
    answer('deny');
    expect(await b).toBe(false);
    const c = policy({ client: unverified(), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(3);
    answer('allow-once');
    expect(await c).toBe(true);
    expect(decisions.list()).toEqual([]);
  });

  it('an unverified client gains nothing from a verified app\'s decision, even claiming its name', async () => {
    const { policy, asked, answer } = setup();
    const a = policy({ client: verified(CLAUDE, 3, 'claude-ai'), profile: 'p' });
    await tick();
    answer('always');
    expect(await a).toBe(true);
    const claim = policy({ client: unverified('claude-ai'), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(2);
    answer('deny');
    expect(await claim).toBe(false);
  });

  it('concurrent unverified requests each get their own prompt', async () => {
    const { policy, asked, answer } = setup();
    const a = policy({ client: unverified(), profile: 'p' });
    const b = policy({ client: unverified(), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(2);
    answer('allow-once');
    answer('deny');
    expect(await Promise.all([a, b])).toEqual([true, false]);
  });

  it('Esc or closing the prompt (dismiss) denies this time only: not remembered, asked again next time', async () => {
    const { policy, asked, answer, decisions, decided } = setup();
    const a = policy({ client: verified(CURSOR, 4), profile: 'p' });
    const b = policy({ client: verified(CURSOR, 5), profile: 'p' });
    await tick();
    answer('dismiss');
    expect(await Promise.all([a, b])).toEqual([false, false]);
    expect(decisions.list()).toEqual([]);
    expect(decided.at(-1)).toEqual(['p', false, 'dismiss']);
    const again = policy({ client: verified(CURSOR, 4), profile: 'p' });
    await tick();
    expect(asked).toHaveLength(2);
    answer('allow-once');
    expect(await again).toBe(true);
  });

  it('a pre-approval from Connect lets the first verified client the OS names so in, once, then remembers its executable', async () => {
    const { policy, decisions, asked, decided } = setup();
    decisions.remember(preApprovalKey('Claude Desktop'), 'mcp-claude', 'allow');
    // An unverified client claiming the name does not spend it.
    const early = policy({ client: unverified('Claude Desktop'), profile: 'mcp-claude' });
    await tick();
    expect(asked).toHaveLength(1);
    // Another assistant, or another key, does not match it either.
    void policy({ client: verified(CURSOR, 20), profile: 'mcp-claude' });
    await tick();
    expect(asked).toHaveLength(2);
    expect(await policy({ client: verified(CLAUDE, 10), profile: 'mcp-claude' })).toBe(true);
    expect(asked).toHaveLength(2);
    expect(decided).toContainEqual(['mcp-claude', true, 'connected-in-keybridge']);
    expect(decisions.find(CLAUDE, 'mcp-claude')).toBe('allow');
    expect(decisions.find(preApprovalKey('Claude Desktop'), 'mcp-claude')).toBeNull();
    void early;
  });

  it('a pre-approval older than a day is not used', async () => {
    const decisions = memoryDecisions();
    const asked: AccessRequest[] = [];
    const policy = createApprovalPolicy({
      decisions: { ...decisions, list: () => [{ client: preApprovalKey('Claude Desktop'), profile: 'mcp-claude', decision: 'allow', at: '2026-11-20T10:00:00.000Z' }] },
      enabled: () => true,
      ask: async (request) => {
        asked.push(request);
        return 'deny';
      },
      onAsk: () => undefined,
      onDecided: () => undefined,
      now: () => Date.parse('2026-11-23T10:00:00.000Z'),
    });
    expect(await policy({ client: verified(CLAUDE, 10), profile: 'mcp-claude' })).toBe(false);
    expect(asked).toHaveLength(1);
  });
});
