import { describe, expect, it } from 'vitest';
import { agentSocketDir, agentSocketPath } from '../../src-shared/agent-socket-path';

describe('agent socket path', () => {
  it('is per user on each OS, and the env variable overrides it', () => {
    expect(agentSocketPath({ platform: 'linux', homeDir: '/home/ada/', username: 'ada', env: {} })).toBe('/home/ada/.keybridge/run/agent.sock');
    expect(agentSocketPath({ platform: 'darwin', homeDir: '/Users/ada', username: 'ada', env: {} })).toBe('/Users/ada/.keybridge/run/agent.sock');
    expect(agentSocketPath({ platform: 'win32', homeDir: 'C:\\Users\\Ada L', username: 'Ada L', env: {} })).toBe('\\\\.\\pipe\\keybridge-agent-Ada_L');
    expect(agentSocketPath({ platform: 'linux', homeDir: '/home/ada', username: 'ada', env: { KEYBRIDGE_AGENT_SOCKET: '/tmp/x.sock' } })).toBe('/tmp/x.sock');
  });

  it('names the folder to lock down, none for a pipe', () => {
    expect(agentSocketDir('/home/ada/.keybridge/run/agent.sock')).toBe('/home/ada/.keybridge/run');
    expect(agentSocketDir('\\\\.\\pipe\\keybridge-agent-ada')).toBeNull();
  });
});
