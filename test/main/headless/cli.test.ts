// The headless agent's flags: where the socket comes from, what is refused, what --help says.
import { describe, expect, it } from 'vitest';
import { HELP, parseCli } from '../../../src-main/headless/cli';

describe('parseCli', () => {
  it('needs --profiles', () => {
    expect(parseCli([], {})).toEqual({ kind: 'error', message: '--profiles <file> is required' });
  });

  it('takes the socket from --socket, then KEYBRIDGE_AGENT_SOCKET, else leaves it to the tray default', () => {
    const env = { KEYBRIDGE_AGENT_SOCKET: '/run/env.sock' };
    expect(parseCli(['--profiles', 'p.json', '--socket', '/run/flag.sock'], env)).toMatchObject({ kind: 'run', options: { socketPath: '/run/flag.sock' } });
    expect(parseCli(['--profiles', 'p.json'], env)).toMatchObject({ kind: 'run', options: { socketPath: '/run/env.sock' } });
    expect(parseCli(['--profiles', 'p.json'], { KEYBRIDGE_AGENT_SOCKET: '  ' })).toMatchObject({ kind: 'run', options: { socketPath: null } });
    expect(parseCli(['--profiles', 'p.json'], {})).toEqual({ kind: 'run', options: { profilesPath: 'p.json', socketPath: null, logLevel: 'info' } });
  });

  it('refuses unknown flags, positionals and bad values, naming the flag', () => {
    expect(parseCli(['--profiles', 'p.json', '--key', 'uo_test_x'], {})).toMatchObject({ kind: 'error' });
    expect(parseCli(['--profiles', 'p.json', 'extra'], {})).toMatchObject({ kind: 'error' });
    expect(parseCli(['--profiles', 'p.json', '--log-level', 'loud'], {})).toEqual({
      kind: 'error',
      message: '--log-level: must be one of error, warn, info, debug',
    });
    expect(parseCli(['--profiles', ' '], {})).toEqual({ kind: 'error', message: '--profiles: needs a file path' });
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['--version', '--profiles', 'p.json'], {})).toEqual({ kind: 'version' });
  });

  it('says in --help that there are no approval prompts, and what the file must be', () => {
    expect(HELP).toMatch(/No approval prompts/);
    expect(HELP).toMatch(/same user/);
    expect(HELP).toMatch(/chmod 600/);
    expect(HELP).toMatch(/symbolic link is refused/);
    expect(HELP).toMatch(/http only for this machine/);
    for (const line of HELP.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
