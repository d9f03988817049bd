// The approval prompt on top of the agent's access policy, like 1Password's SSH agent: the
// first time an assistant asks for a profile, the user chooses Allow once / Always allow /
// Deny. Decisions are keyed on the assistant's executable path as the OS reports it
// (src-main/agent/peer-identity.ts) — never on a name the client gives itself. A client the
// OS cannot vouch for is offered Allow once only, and nothing about it is remembered.
//
// Connecting an assistant for a key in KeyBridge is the user's yes to it, but the assistant's
// executable is not known then (where is Cursor installed? which of two VS Codes?). So Connect
// records a pre-approval for the assistant as people name it ("Claude Desktop", see
// preApprovalKey) and the key; the first VERIFIED client the OS names so (friendlyAppName of
// its executable) within a day is allowed without a prompt, once: its executable is remembered
// as "Always allow" and the pre-approval is spent. Unverified clients never match one.
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
  onDecided: (request: AccessRequest, allowed: boolean, how: ApprovalAnswer | 'remembered' | 'prompts-off' | 'connected-in-keybridge') => void;
  /** Default Date.now. */
  now?: () => number;
}

/** The decisions-store key of a pre-approval for an assistant (as friendlyAppName names it). */
export const PRE_APPROVAL_PREFIX = 'assistant:';
export function preApprovalKey(assistant: string): string {
  return `${PRE_APPROVAL_PREFIX}${assistant}`;
}
/** How long a pre-approval waits for its assistant's first connection. */
export const PRE_APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export type ApprovalPolicy = (request: AccessRequest) => Promise<boolean>;

export function createApprovalPolicy({ decisions, enabled, ask, onAsk, onDecided, now = Date.now }: ApprovalOptions): ApprovalPolicy {
  /** "Allow once" covers that assistant process (its bridge may reconnect), by verified pid. */
  const allowedOnce = new Set<string>();
  const pending = new Map<string, Promise<ApprovalAnswer>>();
  /** Shows the prompt (and tells onAsk first). */
  const prompt = (request: AccessRequest): Promise<ApprovalAnswer> => {
    onAsk(request);
    return ask(request);
  };
  /** Concurrent requests from the same verified assistant for a profile share one prompt. */
  const sharedPrompt = (key: string, request: AccessRequest): Promise<ApprovalAnswer> => {
    let answer = pending.get(key);
    if (!answer) {
      answer = prompt(request).finally(() => pending.delete(key));
      pending.set(key, answer);
    }
    return answer;
  };
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
      // Connected in KeyBridge for this key: the assistant's first verified connection is the one.
      const pre = decisions.list().find((d) => d.client === preApprovalKey(client.name) && d.profile === profile && d.decision === 'allow');
      if (pre && !(now() - Date.parse(pre.at) > PRE_APPROVAL_TTL_MS)) {
        decisions.forget(pre.client, profile);
        decisions.remember(exe, profile, 'allow');
        onDecided(request, true, 'connected-in-keybridge');
        return true;
      }
    }
    const onceKey = exe && client.pid !== null ? JSON.stringify([exe, client.pid, profile]) : null;
    if (onceKey && allowedOnce.has(onceKey)) return true;
    // Unverified requests never share a prompt: nothing tells two of them are the same app.
    let chosen = await (exe ? sharedPrompt(JSON.stringify([exe, profile]), request) : prompt(request));
    if (!exe && chosen === 'always') chosen = 'allow-once';
    if (exe && chosen === 'always') decisions.remember(exe, profile, 'allow');
    if (exe && chosen === 'deny') decisions.remember(exe, profile, 'deny');
    if (chosen === 'allow-once' && onceKey) allowedOnce.add(onceKey);
    const allowed = chosen === 'allow-once' || chosen === 'always';
    onDecided(request, allowed, chosen);
    return allowed;
  };
}
