// The approval policy (src-main/app/approval.ts) over the vault's REAL settings service (its
// document store in a temp dir, a manual clock): the edges the main tests leave open. A
// pre-approval lasts exactly a day and matches only its assistant, its key and an "allow"; the
// OS's word alone makes a client "verified", whatever else it carries; Allow once needs a pid.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeClient } from '../../../src-main/agent';
import { createApprovalPolicy, preApprovalKey, PRE_APPROVAL_PREFIX, PRE_APPROVAL_TTL_MS, type AccessRequest, type ApprovalAnswer } from '../../../src-main/app/approval';
import { openDocumentStore } from '../../../src-main/vault/document-store';
import { createSettingsService } from '../../../src-main/vault/settings';
import { confBackend, createManualClock, makeTempDir, type ManualClock } from '../../main/vault/helpers';

const CLAUDE = '/opt/Claude/claude-desktop';
const CURSOR = '/usr/share/cursor/cursor';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => (temp = await makeTempDir('kb-approval-')));
afterEach(() => temp.remove());

function setup(clock: ManualClock = createManualClock()) {
  const settings = createSettingsService(openDocumentStore(confBackend(temp.dir), clock).store, clock);
  const decisions = settings.decisions;
  const events: string[] = [];
  const decided: [string, boolean, string][] = [];
  const pending: ((a: ApprovalAnswer) => void)[] = [];
  const policy = createApprovalPolicy({
    decisions,
    enabled: () => true,
    ask: (request) => {
      events.push(`ask ${request.client.name} ${request.profile}`);
      return new Promise((resolve) => pending.push(resolve));
    },
    onAsk: (request) => void events.push(`onAsk ${request.client.name} ${request.profile}`),
    onDecided: (request, allowed, how) => void decided.push([request.profile, allowed, how]),
    now: clock.now,
  });
  /** Answers the oldest open prompt. */
  const answer = (a: ApprovalAnswer) => {
    const resolve = pending.shift();
    if (!resolve) throw new Error('no prompt is open');
    resolve(a);
  };
  /** Resolves once `request` shows a prompt, or settles without one (then answered is its result). */
  const prompted = async (request: AccessRequest): Promise<{ asked: boolean; result: Promise<boolean> }> => {
    const before = pending.length;
    const result = policy(request);
    const settled = await Promise.race([result.then(() => 'settled' as const), new Promise<'open'>((r) => setImmediate(() => r('open')))]);
    return { asked: settled === 'open' && pending.length > before, result };
  };
  return { clock, decisions, events, decided, answer, prompted, policy, open: () => pending.length };
}

function claude(pid: number | null = 10): BridgeClient {
  return { name: 'Claude Desktop', verified: true, exe: CLAUDE, pid, claimedName: 'claude-ai' };
}

describe('pre-approvals from Connect', () => {
  it('are stored under "assistant:" and the name people know the assistant by', () => {
    expect(PRE_APPROVAL_PREFIX).toBe('assistant:');
    expect(preApprovalKey('Claude Desktop')).toBe('assistant:Claude Desktop');
  });

  it('last exactly a day: used at 24 h to the millisecond', async () => {
    const { decisions, clock, policy, decided, open } = setup();
    expect(PRE_APPROVAL_TTL_MS).toBe(24 * 60 * 60 * 1000);
    decisions.remember(preApprovalKey('Claude Desktop'), 'p', 'allow');
    clock.advance(PRE_APPROVAL_TTL_MS);
    expect(await policy({ client: claude(), profile: 'p' })).toBe(true);
    expect(open()).toBe(0);
    expect(decided).toEqual([['p', true, 'connected-in-keybridge']]);
    expect(decisions.list().map((d) => [d.client, d.profile, d.decision])).toEqual([[CLAUDE, 'p', 'allow']]);
  });

  it('a millisecond past the day, the assistant is asked and the pre-approval is kept', async () => {
    const { decisions, clock, prompted, answer } = setup();
    decisions.remember(preApprovalKey('Claude Desktop'), 'p', 'allow');
    clock.advance(PRE_APPROVAL_TTL_MS + 1);
    const { asked, result } = await prompted({ client: claude(), profile: 'p' });
    expect(asked).toBe(true);
    answer('deny');
    expect(await result).toBe(false);
    expect(decisions.find(preApprovalKey('Claude Desktop'), 'p')).toBe('allow');
  });

  it('match only their key: a pre-approval for another profile lets nothing in', async () => {
    const { decisions, prompted, answer } = setup();
    decisions.remember(preApprovalKey('Claude Desktop'), 'other-key', 'allow');
    const { asked, result } = await prompted({ client: claude(), profile: 'p' });
    expect(asked).toBe(true);
    answer('deny');
    expect(await result).toBe(false);
    expect(decisions.find(preApprovalKey('Claude Desktop'), 'other-key')).toBe('allow');
  });

  it('are an "allow": a deny stored under the assistant\'s name lets nothing in', async () => {
    const { decisions, prompted, answer } = setup();
    decisions.remember(preApprovalKey('Claude Desktop'), 'p', 'deny');
    const { asked, result } = await prompted({ client: claude(), profile: 'p' });
    expect(asked).toBe(true);
    answer('allow-once');
    expect(await result).toBe(true);
    expect(decisions.find(CLAUDE, 'p')).toBeNull();
  });

  it('never match a client the OS did not vouch for, even one bearing the exact name', async () => {
    const { decisions, prompted, answer } = setup();
    decisions.remember(preApprovalKey('Claude Desktop'), 'p', 'allow');
    const { asked, result } = await prompted({ client: { ...claude(null), verified: false, exe: null }, profile: 'p' });
    expect(asked).toBe(true);
    answer('always');
    expect(await result).toBe(true);
    expect(decisions.list().map((d) => d.client)).toEqual([preApprovalKey('Claude Desktop')]);
  });
});

describe('only the OS makes a client verified', () => {
  const forged = (): BridgeClient => ({ name: 'Claude Desktop', verified: false, exe: CLAUDE, pid: 10, claimedName: 'claude-ai' });

  it('an unverified client carrying a remembered executable gets no remembered answer and can store none', async () => {
    const { decisions, prompted, answer, decided } = setup();
    decisions.remember(CLAUDE, 'p', 'allow');
    decisions.remember(CLAUDE, 'q', 'deny');
    const first = await prompted({ client: forged(), profile: 'p' });
    expect(first.asked).toBe(true);
    answer('deny');
    expect(await first.result).toBe(false);
    expect(decisions.find(CLAUDE, 'p')).toBe('allow');
    const second = await prompted({ client: forged(), profile: 'q' });
    expect(second.asked).toBe(true);
    answer('always');
    expect(await second.result).toBe(true);
    expect(decided).toEqual([
      ['p', false, 'deny'],
      ['q', true, 'allow-once'],
    ]);
    expect(decisions.find(CLAUDE, 'q')).toBe('deny');
    // Its Allow once is not kept for its pid either, and its prompts are not shared.
    const third = await prompted({ client: forged(), profile: 'q' });
    const fourth = await prompted({ client: forged(), profile: 'q' });
    expect([third.asked, fourth.asked]).toEqual([true, true]);
    answer('allow-once');
    answer('dismiss');
    expect([await third.result, await fourth.result]).toEqual([true, false]);
  });
});

describe('Allow once', () => {
  it('is kept for a verified process with a pid, not for one the OS gave no pid', async () => {
    const { prompted, answer, events } = setup();
    const first = await prompted({ client: claude(null), profile: 'p' });
    answer('allow-once');
    expect(await first.result).toBe(true);
    const again = await prompted({ client: claude(null), profile: 'p' });
    expect(again.asked).toBe(true);
    answer('dismiss');
    expect(await again.result).toBe(false);
    expect(events).toEqual(['onAsk Claude Desktop p', 'ask Claude Desktop p', 'onAsk Claude Desktop p', 'ask Claude Desktop p']);
  });

  it('a denied or dismissed process is not let in by a later request of its own', async () => {
    const { prompted, answer, decisions } = setup();
    const dismissed = await prompted({ client: claude(3), profile: 'p' });
    answer('dismiss');
    expect(await dismissed.result).toBe(false);
    const again = await prompted({ client: claude(3), profile: 'p' });
    expect(again.asked).toBe(true);
    answer('deny');
    expect(await again.result).toBe(false);
    decisions.forget(CLAUDE, 'p');
    const afterForget = await prompted({ client: claude(3), profile: 'p' });
    expect(afterForget.asked).toBe(true);
    answer('allow-once');
    expect(await afterForget.result).toBe(true);
  });

  it('a shared prompt answered, the next request of another process asks again', async () => {
    const { prompted, answer } = setup();
    const a = await prompted({ client: claude(1), profile: 'p' });
    const b = await prompted({ client: claude(2), profile: 'p' });
    expect([a.asked, b.asked]).toEqual([true, false]);
    answer('allow-once');
    expect([await a.result, await b.result]).toEqual([true, true]);
    const c = await prompted({ client: claude(3), profile: 'p' });
    expect(c.asked).toBe(true);
    answer('deny');
    expect(await c.result).toBe(false);
    const other = await prompted({ client: { ...claude(1), exe: CURSOR, name: 'Cursor' }, profile: 'p' });
    expect(other.asked).toBe(true);
    answer('dismiss');
    expect(await other.result).toBe(false);
  });
});
