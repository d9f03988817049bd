// The approval prompt on top of the agent's access policy, like 1Password's SSH agent: the
// first time an assistant asks for a profile, the user chooses Allow once / Always allow /
// Deny. Decisions are keyed on the assistant's executable path as the OS reports it
// (src-main/agent/peer-identity.ts) — never on a name the client gives itself. A client the
// OS cannot vouch for is offered Allow once only, and nothing about it is remembered.
import type { BridgeClient } from '../agent';
import type { SettingsService } from '../vault';

/** `dismiss`: Esc or the window closed — denied this time, not remembered. */
export type ApprovalAnswer = 'allow-once' | 'always' | 'deny' | 'dismiss';

export interface AccessRequest {
  client: BridgeClient;
  profile: string;
}

export interface ApprovalOptions {
  decisions: SettingsService['decisions'];
  /** The "approval prompts" setting. */
  enabled: () => boolean;
  /** Shows the prompt (a dialog in the app); unverified clients get no "Always allow". */
  ask: (request: AccessRequest) => Promise<ApprovalAnswer>;
  /** Told before a prompt is shown (notification + activity log). */
  onAsk: (request: AccessRequest) => void;
  /** Told after every answer, remembered or not. */
  onDecided: (request: AccessRequest, allowed: boolean, how: ApprovalAnswer | 'remembered' | 'prompts-off') => void;
}

export type ApprovalPolicy = (request: AccessRequest) => Promise<boolean>;

export function createApprovalPolicy({ decisions, enabled, ask, onAsk, onDecided }: ApprovalOptions): ApprovalPolicy {
  /** "Allow once" covers that assistant process (its bridge may reconnect), by verified pid. */
  const allowedOnce = new Set<string>();
  const pending = new Map<string, Promise<ApprovalAnswer>>();
  return async (request) => {
    const { client, profile } = request;
    if (!enabled()) {
      onDecided(request, true, 'prompts-off');
      return true;
    }
    const exe = client.verified ? client.exe : null;
    if (exe) {
      const remembered = decisions.find(exe, profile);
      if (remembered) {
        onDecided(request, remembered === 'allow', 'remembered');
        return remembered === 'allow';
      }
    }
    const onceKey = exe && client.pid !== null ? JSON.stringify([exe, client.pid, profile]) : null;
    if (onceKey && allowedOnce.has(onceKey)) return true;
    // Concurrent requests from the same verified assistant share one prompt; unverified ones never do.
    const askKey = exe ? JSON.stringify([exe, profile]) : null;
    let answer = askKey ? pending.get(askKey) : undefined;
    if (!answer) {
      onAsk(request);
      const asked = ask(request);
      answer = askKey ? asked.finally(() => pending.delete(askKey)) : asked;
      if (askKey) pending.set(askKey, answer);
    }
    let chosen = await answer;
    if (!exe && chosen === 'always') chosen = 'allow-once';
    if (exe && chosen === 'always') decisions.remember(exe, profile, 'allow');
    if (exe && chosen === 'deny') decisions.remember(exe, profile, 'deny');
    if (chosen === 'allow-once' && onceKey) allowedOnce.add(onceKey);
    const allowed = chosen === 'allow-once' || chosen === 'always';
    onDecided(request, allowed, chosen);
    return allowed;
  };
}
