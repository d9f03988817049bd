// The approval policy over a real decisions store (the vault's settings service is stood in
// for by a Map with the same interface).
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src-shared/ipc-contract';
import { createApprovalPolicy, type AccessRequest, type ApprovalAnswer } from '../../../src-main/core/approval';
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
  const pending: ((a: ApprovalAnswer) => void)[] = [];
  const policy = createApprovalPolicy({
    decisions,
    enabled: () => enabled,
    ask: (request) => {
      asked.push(request);
      return new Promise((resolve) => pending.push(resolve));
    },
    onAsk: () => undefined,
    onDecided: () => undefined,
  });
  return { decisions, asked, answer: (a: ApprovalAnswer) => pending.shift()?.(a), policy };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('approval policy', () => {
  it('allows everyone without asking when prompts are off', async () => {
    const { policy, asked } = setup(false);
    expect(await policy({ client: 'Cursor', profile: 'p', clientPid: 1 })).toBe(true);
    expect(asked).toEqual([]);
  });

  it('asks once for concurrent requests of the same client and profile', async () => {
    const { policy, asked, answer } = setup();
    const a = policy({ client: 'Cursor', profile: 'p', clientPid: 1 });
    const b = policy({ client: 'Cursor', profile: 'p', clientPid: 2 });
    await tick();
    expect(asked).toHaveLength(1);
    answer('allow-once');
    expect(await Promise.all([a, b])).toEqual([true, true]);
  });

  it('Allow once is per app process and not remembered; without a pid it covers one request', async () => {
    const { policy, asked, answer, decisions } = setup();
    const first = policy({ client: 'Cursor', profile: 'p', clientPid: 7 });
    await tick();
    answer('allow-once');
    expect(await first).toBe(true);
    expect(await policy({ client: 'Cursor', profile: 'p', clientPid: 7 })).toBe(true);
    expect(decisions.list()).toEqual([]);
    const noPid = policy({ client: 'Cursor', profile: 'p', clientPid: null });
    await tick();
    expect(asked).toHaveLength(2);
    answer('allow-once');
    expect(await noPid).toBe(true);
    const again = policy({ client: 'Cursor', profile: 'p', clientPid: null });
    await tick();
    expect(asked).toHaveLength(3);
    answer('deny');
    expect(await again).toBe(false);
  });

  it('Always allow and Deny are remembered per client and profile', async () => {
    const { policy, asked, answer, decisions } = setup();
    const a = policy({ client: 'Claude', profile: 'p', clientPid: 1 });
    await tick();
    answer('always');
    expect(await a).toBe(true);
    expect(await policy({ client: 'Claude', profile: 'p', clientPid: 99 })).toBe(true);
    const b = policy({ client: 'Claude', profile: 'q', clientPid: 1 });
    await tick();
    answer('deny');
    expect(await b).toBe(false);
    expect(await policy({ client: 'Claude', profile: 'q', clientPid: 5 })).toBe(false);
    expect(asked).toHaveLength(2);
    expect(decisions.list().map((d) => [d.profile, d.decision])).toEqual([
      ['p', 'allow'],
      ['q', 'deny'],
    ]);
  });
});
