// The agent socket path for this user and machine (KEYBRIDGE_AGENT_SOCKET overrides it),
// computed by the same src-shared function the bridge uses.
import { homedir, userInfo } from 'node:os';
import { agentSocketPath } from '../../src-shared/agent-socket-path';

export function defaultAgentSocketPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return agentSocketPath({ platform: process.platform, homeDir: homedir(), username: safeUsername(), env });
}

/** The login name for the per-user pipe name. With no passwd entry (containers, some corporate
 * setups) the uid, else the environment's name: it only needs to be stable per user. The bridge
 * (its own runtime, src-bridge/main.ts) falls back the same way. */
export function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? process.env.USER ?? process.env.USERNAME ?? 'user');
  }
}
