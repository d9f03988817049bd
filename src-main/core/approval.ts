// The approval prompt on top of the agent's access policy, like 1Password's SSH agent: the
// first time a client app asks for a profile, the user chooses Allow once / Always allow /
// Deny. Remembered decisions answer without asking; concurrent requests from the same client
// for the same profile share one prompt.
import type { SettingsService } from '../vault';

export type ApprovalAnswer = 'allow-once' | 'always' | 'deny';

export interface AccessRequest {
  client: string;
  profile: string;
  /** The client app's pid as its bridge reports it: "Allow once" covers that app process
   * (its bridge may reconnect); without a pid it covers this one request. */
  clientPid: number | null;
}

export interface ApprovalOptions {
  decisions: SettingsService['decisions'];
  /** The "approval prompts" setting. */
  enabled: () => boolean;
  /** Shows the prompt (a native dialog in the app). */
  ask: (request: AccessRequest) => Promise<ApprovalAnswer>;
  /** Told before a prompt is shown (notification + activity log). */
  onAsk: (request: AccessRequest) => void;
  /** Told after every answer, remembered or not. */
  onDecided: (request: AccessRequest, allowed: boolean, how: ApprovalAnswer | 'remembered' | 'prompts-off') => void;
}

export type ApprovalPolicy = (request: AccessRequest) => Promise<boolean>;

export function createApprovalPolicy({ decisions, enabled, ask, onAsk, onDecided }: ApprovalOptions): ApprovalPolicy {
  const allowedOnce = new Set<string>();
  const pending = new Map<string, Promise<ApprovalAnswer>>();
  return async (request) => {
    const { client, profile, clientPid } = request;
    if (!enabled()) {
      onDecided(request, true, 'prompts-off');
      return true;
    }
    const remembered = decisions.find(client, profile);
    if (remembered) {
      onDecided(request, remembered === 'allow', 'remembered');
      return remembered === 'allow';
    }
    const onceKey = clientPid === null ? null : JSON.stringify([client, profile, clientPid]);
    if (onceKey && allowedOnce.has(onceKey)) return true;
    const askKey = JSON.stringify([client, profile]);
    let answer = pending.get(askKey);
    if (!answer) {
      onAsk(request);
      answer = ask(request).finally(() => pending.delete(askKey));
      pending.set(askKey, answer);
    }
    const chosen = await answer;
    if (chosen === 'always') decisions.remember(client, profile, 'allow');
    if (chosen === 'deny') decisions.remember(client, profile, 'deny');
    if (chosen === 'allow-once' && onceKey) allowedOnce.add(onceKey);
    onDecided(request, chosen !== 'deny', chosen);
    return chosen !== 'deny';
  };
}
