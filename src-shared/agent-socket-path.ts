// Where the agent listens. The tray and the bridge both call this, so they agree without
// configuration; the runtime facts are passed in because src-shared imports no Node.

export const AGENT_SOCKET_ENV = 'KEYBRIDGE_AGENT_SOCKET';

export interface SocketPathInputs {
  platform: string;
  homeDir: string;
  username: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** The per-user default, unless KEYBRIDGE_AGENT_SOCKET overrides it. */
export function agentSocketPath({ platform, homeDir, username, env }: SocketPathInputs): string {
  const override = env[AGENT_SOCKET_ENV]?.trim();
  if (override) return override;
  if (platform === 'win32') {
    // Named pipes live in one machine-wide namespace: name it per user.
    const safeUser = username.replace(/[^A-Za-z0-9_.-]/g, '_') || 'user';
    return `\\\\.\\pipe\\keybridge-agent-${safeUser}`;
  }
  // In the home folder rather than /tmp: nobody else can pre-create it, and it is short
  // enough for sun_path (104 bytes on macOS, 108 on Linux) for ordinary home paths.
  return `${homeDir.replace(/\/+$/, '')}/.keybridge/run/agent.sock`;
}

/** The folder that holds the socket (mode 0700), or null for a Windows named pipe. */
export function agentSocketDir(socketPath: string): string | null {
  if (socketPath.startsWith('\\\\.\\pipe\\')) return null;
  const cut = socketPath.lastIndexOf('/');
  return cut > 0 ? socketPath.slice(0, cut) : null;
}
