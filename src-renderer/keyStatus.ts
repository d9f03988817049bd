// How a key is doing, in the words the Keys card and the first-run screen use: who has it
// configured, who is using it right now (the agent's live sessions), the one-line status and
// the one problem that needs the user, with its fix.
import { assistantFamily, assistantName } from '../src-shared/assistants';
import type { ClientView, SessionView } from '../src-shared/ipc-contract';
import type { ProfileView } from '../src-shared/profile';
import { VENDORS } from '../src-shared/vendors';
import { formatWhen } from './format';

export interface KeyUsage {
  /** Assistants with a live session on this key, with their latest activity. */
  inUse: { name: string; lastAt: string }[];
  /** Assistants whose config has an entry for this key (whether running or not). */
  configured: ClientView[];
}

/** The latest sign of life of a session: its last request, else when it started. */
export function sessionLastAt(session: SessionView): string {
  return session.lastRequestAt ?? session.since;
}

export function usageOf(profile: string, clients: readonly ClientView[], sessions: readonly SessionView[]): KeyUsage {
  const byName = new Map<string, string>();
  for (const session of sessions) {
    if (session.profile !== profile) continue;
    const name = assistantName(session.client.name);
    const at = sessionLastAt(session);
    const known = byName.get(name);
    if (!known || Date.parse(at) > Date.parse(known)) byName.set(name, at);
  }
  return {
    inUse: [...byName].map(([name, lastAt]) => ({ name, lastAt })),
    configured: clients.filter((client) => client.profiles.includes(profile)),
  };
}

/** A config's live sessions: those of its assistant family on this key. */
export function clientInUse(client: ClientView, profile: string, sessions: readonly SessionView[]): SessionView[] {
  const family = assistantFamily(client.id);
  return sessions.filter((session) => session.profile === profile && assistantName(session.client.name) === family);
}

const STATE_WORDS: Record<ProfileView['state'], string> = {
  unverified: 'Not verified yet',
  ok: 'Working',
  failing: 'Failing',
  'needs-reentry': 'Needs re-entry',
  locked: 'Locked',
};

export function stateWord(profile: ProfileView): string {
  return profile.paused ? 'Paused' : STATE_WORDS[profile.state];
}

/** "Working · verified 3 min ago · used by Claude Desktop 2 min ago". */
export function statusLine(profile: ProfileView, usage: KeyUsage, now: number): string {
  const parts = [stateWord(profile)];
  // "verified" only while the key works; a failed check is "checked".
  if (!profile.paused && profile.state !== 'ok' && profile.lastCheck && !profile.lastCheck.ok) parts.push(`checked ${formatWhen(profile.lastCheck.at, now)}`);
  else if (profile.lastVerifiedAt) parts.push(`verified ${formatWhen(profile.lastVerifiedAt, now)}`);
  if (usage.inUse.length > 0) {
    const latest = usage.inUse.reduce((a, b) => (Date.parse(b.lastAt) > Date.parse(a.lastAt) ? b : a));
    parts.push(`used by ${usage.inUse.map((u) => u.name).join(', ')} ${formatWhen(latest.lastAt, now)}`);
  } else if (profile.lastUsedAt) {
    parts.push(`last used ${formatWhen(profile.lastUsedAt, now)}`);
  } else if (usage.configured.length > 0) {
    parts.push('not used yet');
  }
  return parts.join(' · ');
}

export type Fix = 'resume' | 're-enter' | 'unlock' | 'check-network' | 'test-again';

export interface Problem {
  tone: 'bad' | 'warn' | 'neutral';
  message: string;
  fix: Fix;
  fixLabel: string;
}

const FIX_LABELS: Record<Fix, string> = {
  resume: 'Resume',
  're-enter': 'Re-enter key',
  unlock: 'Unlock keychain',
  'check-network': 'Check proxy settings',
  'test-again': 'Test again',
};

function problem(tone: Problem['tone'], message: string, fix: Fix): Problem {
  return { tone, message, fix, fixLabel: FIX_LABELS[fix] };
}

/** The vendor's words from a check's message, without the app's own framing. */
function vendorWords(message: string): string {
  return message.replace(/^KeyBridge:\s*/i, '').replace(/\s*(Rotate or re-enter it|Check your network or proxy settings)( in KeyBridge)?\.?$/i, '').trim();
}

/** The one thing that needs the user, with its fix; null when the key is fine. */
export function keyProblem(profile: ProfileView): Problem | null {
  const vendor = VENDORS[profile.vendor].label;
  if (profile.paused) return problem('neutral', 'Paused: assistants get an error for this key until you resume it.', 'resume');
  switch (profile.state) {
    case 'needs-reentry':
      return problem('bad', 'This key can no longer be decrypted on this computer (the system keychain changed). Enter it again to keep using it.', 're-enter');
    case 'locked':
      return problem('bad', 'The system keychain is locked, so this key cannot be used. Unlock it to carry on.', 'unlock');
    case 'failing': {
      const check = profile.lastCheck && !profile.lastCheck.ok ? profile.lastCheck : null;
      if (check?.status === null) return problem('bad', `${vendor} could not be reached: ${vendorWords(check.message)}`, 'check-network');
      if (check && check.status >= 500) return problem('bad', `${vendor}'s server has a problem: ${vendorWords(check.message)}`, 'test-again');
      const words = check ? vendorWords(check.message) : `${vendor} refused the key.`;
      return problem('bad', `${words} Enter the key again, or a new one if it was revoked.`, 're-enter');
    }
    default:
      return null;
  }
}
