// Who the user is told is asking for a key (src-main/agent/client-identity.ts): the name a client
// gives itself, cut to one printable line, and the OS's answer turned into the client the
// approval prompt and the activity log show.
import { describe, expect, it } from 'vitest';
import { allowAll, clientLabel, cutClaimedName, describeClient } from '../../../src-main/agent/client-identity';
import type { PeerIdentity } from '../../../src-main/agent/peer-identity';

const UNVERIFIED: PeerIdentity = { verified: false, reason: 'the OS did not say' };

describe('cutClaimedName', () => {
  it.each([
    ['\u0000', 'NUL'],
    ['\u001f', 'unit separator'],
    ['\u007f', 'DEL'],
    ['\u0085', 'C1 next line'],
    ['\u009f', 'last C1 control'],
    ['\u2028', 'line separator'],
    ['\u2029', 'paragraph separator'],
    ['\u200e', 'left-to-right mark'],
    ['\u200f', 'right-to-left mark'],
    ['\u202a', 'left-to-right embedding'],
    ['\u202c', 'pop directional formatting'],
    ['\u202e', 'right-to-left override'],
    ['\u2066', 'left-to-right isolate'],
    ['\u2067', 'right-to-left isolate'],
    ['\u2069', 'pop directional isolate'],
  ])('turns %j (%s) into a space between words', (char) => {
    expect(cutClaimedName(`Claude${char}Desktop`)).toBe('Claude Desktop');
  });

  it.each([['\u00a1'], ['\u00e9'], ['\u200d'], ['\u2027'], ['\u2030'], ['\u2065'], ['\u206a'], ['~']])('keeps the printable %j', (char) => {
    expect(cutClaimedName(`a${char}b`)).toBe(`a${char}b`);
  });

  it('collapses runs of spaces and controls into one space and trims the ends', () => {
    expect(cutClaimedName('  claude \t\n\u0000\u001b[2J  code  ')).toBe('claude [2J code');
    expect(cutClaimedName('a    b')).toBe('a b');
    expect(cutClaimedName('\u0000\u0001')).toBe('');
  });

  it('keeps 80 characters whole and cuts a longer name to 79 and an ellipsis', () => {
    const eighty = 'n'.repeat(80);
    expect(cutClaimedName(eighty)).toBe(eighty);
    expect(cutClaimedName(`${eighty}x`)).toBe(`${'n'.repeat(79)}…`);
    // Measured after cleaning: trailing spaces do not count.
    expect(cutClaimedName(`${eighty}     `)).toBe(eighty);
  });
});

describe('describeClient', () => {
  it('an unverified client is named by what it claims, marked unverified, with no exe or pid', () => {
    expect(describeClient(UNVERIFIED, 'Claude\u0000Desktop')).toEqual({
      name: 'Claude Desktop (unverified)',
      verified: false,
      exe: null,
      pid: null,
      claimedName: 'Claude Desktop',
    });
  });

  it('an unverified client that claims nothing, or only blanks and controls, is "An unverified app"', () => {
    const nameless = { name: 'An unverified app', verified: false, exe: null, pid: null, claimedName: null };
    expect(describeClient(UNVERIFIED, null)).toEqual(nameless);
    expect(describeClient(UNVERIFIED, ' \u0000\t ')).toEqual(nameless);
    expect(describeClient(UNVERIFIED, '')).toEqual(nameless);
  });

  it('a verified client is the bridge\'s parent, by its executable, whatever it claims', () => {
    const identity: PeerIdentity = { verified: true, peer: { pid: 4321, exe: '/usr/bin/node' }, parent: { pid: 2, exe: '/usr/share/cursor/cursor' } };
    expect(describeClient(identity, 'Claude Desktop')).toEqual({ name: 'Cursor', verified: true, exe: '/usr/share/cursor/cursor', pid: 2, claimedName: 'Claude Desktop' });
    expect(describeClient(identity, null)).toMatchObject({ name: 'Cursor', claimedName: null });
  });

  it('a command line naming Claude Code does not make node Claude Code (a pre-approval is spent by name)', () => {
    const parent = { pid: 2, exe: '/usr/bin/node', cmdline: ['node', '/tmp/x/@anthropic-ai/claude-code/cli.js'] };
    expect(describeClient({ verified: true, peer: { pid: 4321, exe: '/usr/bin/node' }, parent }, 'claude-code')).toMatchObject({ name: 'node', exe: '/usr/bin/node' });
  });

  it('with no parent, or init as the parent (the assistant exited), it is the peer itself', () => {
    const peer = { pid: 4321, exe: '/usr/share/windsurf/windsurf' };
    const expected = { name: 'Windsurf', verified: true, exe: peer.exe, pid: 4321, claimedName: null };
    expect(describeClient({ verified: true, peer, parent: { pid: 1, exe: '/sbin/init' } }, null)).toEqual(expected);
    expect(describeClient({ verified: true, peer, parent: null }, null)).toEqual(expected);
  });
});

describe('clientLabel and allowAll', () => {
  it('labels a verified client with its pid, an unverified one by its name alone', () => {
    expect(clientLabel({ name: 'Cursor', verified: true, exe: '/usr/share/cursor/cursor', pid: 1234, claimedName: null })).toBe('Cursor (pid 1234)');
    expect(clientLabel({ name: 'An unverified app', verified: false, exe: null, pid: null, claimedName: null })).toBe('An unverified app');
  });

  it('allowAll allows', async () => {
    expect(await allowAll({ client: describeClient(UNVERIFIED, null), profile: 'p' })).toBe('allow');
  });
});
