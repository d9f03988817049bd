// The agent socket path for this user and machine (KEYBRIDGE_AGENT_SOCKET overrides it),
// computed by the same src-shared function the bridge uses.
import { homedir, userInfo } from 'node:os';
import { agentSocketPath } from '../../src-shared/agent-socket-path';

export function defaultAgentSocketPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return agentSocketPath({ platform: process.platform, homeDir: homedir(), username: safeUsername(), env });
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (containers): the pipe name only needs to be stable per user.
    return String(process.getuid?.() ?? 'user');
  }
}
