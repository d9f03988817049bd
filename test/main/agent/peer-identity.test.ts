// Who is on the other end of the agent socket, as the OS says: real Unix sockets, real child
// processes, the real `ss`. Linux only; without ss the identity tests skip on a developer's
// machine and fail on CI (CI=true), which must have iproute2.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { friendlyAppName } from '../../../src-main/agent/app-names';
import { identifyPeer, type PeerIdentity } from '../../../src-main/agent/peer-identity';
import { parseSsUnix } from '../../../src-main/agent/ss-rows';
import { until } from '../../support/until';
import { makeTempDir } from '../vault/helpers';

const ON_CI = process.env.CI === 'true';
const SS_PATH = ['/usr/bin/ss', '/usr/sbin/ss', '/bin/ss', '/sbin/ss'].find((path) => existsSync(path));
const SS_INSTALLED = SS_PATH !== undefined;
const NODE = realpathSync(process.execPath);

describe.runIf(process.platform === 'linux' && (SS_INSTALLED || ON_CI))('identifyPeer', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let socketPath: string;
  let server: Server;
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];

  beforeEach(async () => {
    temp = await makeTempDir('kb-peer-');
    // A space in the path: ss prints it unquoted.
    socketPath = join(temp.dir, 'agent sock');
    // Half-open allowed: a peer that exits leaves our end open, as the agent's may be while it checks.
    server = createServer({ allowHalfOpen: true });
    server.on('connection', (socket) => sockets.push(socket.on('error', () => undefined)));
    server.listen(socketPath);
    await once(server, 'listening');
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopChild));
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await temp.remove();
  });

  /** Runs `node -e script socketPath`; resolves once the server accepted it and it printed its first line. */
  async function connectChild(script: string): Promise<{ child: ChildProcess; socket: Socket; line: string }> {
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const child = spawn(process.execPath, ['-e', script, socketPath], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    const [[socket], line] = await Promise.all([accepted, firstLine(child)]);
    return { child, socket, line };
  }

  /** Connects, then writes `connected`, and stays connected until its stdin closes. */
  const STAYS_CONNECTED = `
    const socket = require('node:net').connect(process.argv[1], () => console.log('connected'));
    process.stdin.on('end', () => process.exit(0)).resume();`;

  it('ss is installed (CI must provide iproute2)', () => {
    expect(SS_INSTALLED, 'install iproute2 (/usr/bin/ss)').toBe(true);
  });

  it('names the child process that connected, its program and its parent', async () => {
    const { child, socket } = await connectChild(STAYS_CONNECTED);
    const identity = await identifyPeer(socket);
    expect(identity).toMatchObject({ verified: true, peer: { pid: child.pid, exe: NODE }, parent: { pid: process.pid, exe: NODE } });
    expect(verified(identity).peer.cmdline).toEqual([process.execPath, '-e', STAYS_CONNECTED, socketPath]);
  });

  it('goes by the real pid, not by what the client says or what it calls itself', async () => {
    // Claims another pid in its hello, and names itself like an entry of ss's process list.
    const { child, socket } = await connectChild(`
      process.title = 'x",pid=1,fd=0';
      const socket = require('node:net').connect(process.argv[1], () => {
        socket.write(JSON.stringify({ type: 'hello', client: { name: 'Claude Desktop', pid: 1 } }) + '\\n');
        console.log('connected');
      });
      process.stdin.on('end', () => process.exit(0)).resume();`);
    const identity = await identifyPeer(socket);
    expect(identity).toMatchObject({ verified: true, peer: { pid: child.pid, exe: NODE }, parent: { pid: process.pid } });
  });

  it('finds the parent of a process whose name holds parentheses and spaces', async () => {
    const { child, socket } = await connectChild(`process.title = 'a) S 1 (';${STAYS_CONNECTED}`);
    const identity = await identifyPeer(socket);
    expect(identity).toMatchObject({ verified: true, peer: { pid: child.pid }, parent: { pid: process.pid } });
  });

  it('names this process when it connects to itself', async () => {
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(socketPath);
    sockets.push(client);
    const [[socket]] = await Promise.all([accepted, once(client, 'connect')]);
    const identity = await identifyPeer(socket);
    expect(identity).toMatchObject({ verified: true, peer: { pid: process.pid, exe: NODE }, parent: { pid: process.ppid } });
  });

  it('does not pick one when several processes hold the other end', async () => {
    // The child hands its socket to a grandchild as fd 3: both hold the same connection.
    const { child, socket, line } = await connectChild(`
      const socket = require('node:net').connect(process.argv[1], () => {
        const grandchild = require('node:child_process').spawn(process.execPath,
          ['-e', "process.stdin.on('end', () => process.exit(0)).resume(); console.log(process.pid)"],
          { stdio: ['pipe', 'pipe', 'inherit', socket] });
        grandchild.stdout.once('data', (pid) => console.log(String(pid).trim()));
      });
      process.stdin.on('end', () => process.exit(0)).resume();`);
    const identity = await identifyPeer(socket);
    expect(identity).toEqual({ verified: false, reason: expect.stringContaining('several processes') });
    expect(identity.verified === false && identity.reason).toContain(String(child.pid));
    expect(identity.verified === false && identity.reason).toContain(line);
  });

  /** An ss that counts its runs in `runs` and, if `gated`, waits for a line on the FIFO `gate` first. */
  function countingSs(gated: boolean): { ssPath: string; runs: () => number; open: () => Promise<void> } {
    const runs = join(temp.dir, 'runs');
    const gate = join(temp.dir, 'gate');
    if (gated) execFileSync('mkfifo', [gate]);
    const ssPath = join(temp.dir, 'counting-ss');
    const wait = gated ? `read go < '${gate}'` : '';
    writeFileSync(ssPath, `#!/bin/sh\necho run >> '${runs}'\n${wait}\nexec '${SS_PATH}' "$@"\n`);
    chmodSync(ssPath, 0o755);
    return {
      ssPath,
      runs: () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').length - 1 : 0),
      open: () => writeFile(gate, 'go\n'),
    };
  }

  it('answers checks that arrive together with one run of ss', async () => {
    const ss = countingSs(false);
    const connected = [await connectChild(STAYS_CONNECTED), await connectChild(STAYS_CONNECTED), await connectChild(STAYS_CONNECTED)];
    const identities = await Promise.all(connected.map(({ socket }) => identifyPeer(socket, { ssPath: ss.ssPath })));
    expect(identities.map((identity) => verified(identity).peer.pid)).toEqual(connected.map(({ child }) => child.pid));
    expect(ss.runs()).toBe(1);
  });

  it('never answers a check with a run of ss that started before it', async () => {
    const ss = countingSs(true);
    const first = await connectChild(STAYS_CONNECTED);
    const firstIdentity = identifyPeer(first.socket, { ssPath: ss.ssPath });
    await until(() => ss.runs() === 1, 'the first run of ss');
    // Connected while that run is under way: it must wait for the next run, which lists it.
    const second = await connectChild(STAYS_CONNECTED);
    const secondIdentity = identifyPeer(second.socket, { ssPath: ss.ssPath });
    await ss.open();
    expect(await firstIdentity).toMatchObject({ verified: true, peer: { pid: first.child.pid } });
    await until(() => ss.runs() === 2, 'the second run of ss');
    await ss.open();
    expect(await secondIdentity).toMatchObject({ verified: true, peer: { pid: second.child.pid } });
  });

  it('says the peer is gone when it exited before the check', async () => {
    const { child, socket } = await connectChild(STAYS_CONNECTED);
    const ended = once(socket, 'end');
    child.kill('SIGKILL');
    await ended;
    expect(socket.destroyed).toBe(false); // our end is still open (half-open)
    expect(await identifyPeer(socket)).toEqual({ verified: false, reason: expect.stringContaining('gone') });
  });

  it('says the connection is closed when our end was destroyed', async () => {
    const { socket } = await connectChild(STAYS_CONNECTED);
    socket.destroy();
    expect(await identifyPeer(socket)).toEqual({ verified: false, reason: expect.stringContaining('closed') });
  });

  it('says so when ss is missing', async () => {
    const { socket } = await connectChild(STAYS_CONNECTED);
    const identity = await identifyPeer(socket, { ssPath: join(temp.dir, 'no-such-ss') });
    expect(identity).toEqual({ verified: false, reason: 'the OS did not say which process connected (ss not available; install iproute2)' });
  });
});

/** Captured from `ss -xpn` (iproute2 6.1, Debian 12): a path with a space, an abstract name, a peer gone (inode 0), a row without users, and a process named `x",pid=1,fd=0`. */
const SS_SAMPLE = `Netid State Recv-Q Send-Q                                                                                                Local Address:Port  Peer Address:Port Process                                   
u_str ESTAB 0      0                                                                                         /tmp/sstest/my agent.sock 81649            * 82913 users:(("node",pid=12380,fd=22))         
u_str ESTAB 0      0                                                                                                                 * 82914            * 81650 users:(("x",pid=1,fd=0",pid=12387,fd=19))
u_str ESTAB 0      0                                                                                                                 * 1197             * 1196                                           
u_str ESTAB 0      0      @kb-abstract-test@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 81650            * 82914 users:(("node",pid=12380,fd=24))         
u_str ESTAB 0      0                                                                                                                 * 82913            * 81649 users:(("x",pid=1,fd=0",pid=12387,fd=18))
u_str ESTAB 21684  0                                                                                                                 * 16177            * 0     users:(("node",pid=6769,fd=24))
u_str ESTAB 0      0                                                                                                                 * 81657            * 81656 users:(("ss",pid=12394,fd=2))            
`;

describe('parseSsUnix', () => {
  const rows = parseSsUnix(SS_SAMPLE);

  it('reads every row and skips the header', () => {
    expect(rows.map((row) => row.localInode)).toEqual([81649, 82914, 1197, 81650, 82913, 16177, 81657]);
    expect(rows.every((row) => row.netid === 'u_str' && row.state === 'ESTAB')).toBe(true);
  });

  it('keeps a path with a space whole', () => {
    expect(rows[0]).toEqual({
      netid: 'u_str',
      state: 'ESTAB',
      localAddress: '/tmp/sstest/my agent.sock',
      localInode: 81649,
      peerAddress: '*',
      peerInode: 82913,
      users: [{ name: 'node', pid: 12380, fd: 22 }],
    });
  });

  it('reads abstract names, rows without users and peers that are gone', () => {
    expect(rows[3]).toMatchObject({ localAddress: expect.stringMatching(/^@kb-abstract-test@+$/), localInode: 81650, peerInode: 82914 });
    expect(rows[2]).toMatchObject({ localAddress: '*', localInode: 1197, peerInode: 1196, users: [] });
    expect(rows[5]).toMatchObject({ localInode: 16177, peerInode: 0, users: [{ pid: 6769, fd: 24 }] });
  });

  it('ends an entry at its closing parenthesis, which ss never prints inside a name', () => {
    expect(rows[4]?.users).toEqual([{ name: 'x",pid=1,fd=0', pid: 12387, fd: 18 }]);
  });

  it('reads several holders, and nothing from empty or foreign text', () => {
    const [row] = parseSsUnix('u_str ESTAB 0 0 * 10 * 11 users:(("a",pid=1,fd=3),("b b",pid=22,fd=4),("a",pid=1,fd=7))\n');
    expect(row?.users).toEqual([
      { name: 'a', pid: 1, fd: 3 },
      { name: 'b b', pid: 22, fd: 4 },
      { name: 'a', pid: 1, fd: 7 },
    ]);
    expect(parseSsUnix('')).toEqual([]);
    expect(parseSsUnix('Usage: ss [ OPTIONS ]\nss: bison bellows\n')).toEqual([]);
  });
});

describe('friendlyAppName', () => {
  it.each([
    ['/Applications/Claude.app/Contents/MacOS/Claude', [], 'Claude Desktop'],
    ['/Applications/Claude.app/Contents/Frameworks/Claude Helper.app/Contents/MacOS/Claude Helper', [], 'Claude Desktop'],
    ['C:\\Users\\me\\AppData\\Local\\AnthropicClaude\\app-0.14.10\\claude.exe', [], 'Claude Desktop'],
    ['/usr/lib/claude-desktop/node_modules/electron/dist/electron', [], 'Claude Desktop'],
    ['/usr/lib/electron/electron', ['/usr/lib/electron/electron', '/usr/lib/claude-desktop/app.asar'], 'Claude Desktop'],
    ['/usr/share/cursor/cursor', [], 'Cursor'],
    ['/Applications/Cursor.app/Contents/Frameworks/Cursor Helper (Plugin).app/Contents/MacOS/Cursor Helper (Plugin)', [], 'Cursor'],
    ['C:\\Users\\me\\AppData\\Local\\Programs\\cursor\\Cursor.exe', [], 'Cursor'],
    ['/usr/share/code/code', ['/usr/share/code/code --type=utility'], 'VS Code'],
    ['/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)', [], 'VS Code'],
    ['C:\\Program Files\\Microsoft VS Code\\Code.exe', [], 'VS Code'],
    ['/usr/share/code-insiders/code-insiders', [], 'VS Code Insiders'],
    ['/usr/share/windsurf/windsurf', [], 'Windsurf'],
    ['/Applications/Windsurf.app/Contents/MacOS/Electron', [], 'Windsurf'],
    ['/home/me/.local/share/claude/versions/2.0.14', ['claude'], 'Claude Code'],
    ['/home/me/.claude/local/claude', [], 'Claude Code'],
    ['/usr/bin/node', ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'], 'Claude Code'],
    ['/usr/bin/node', ['claude', '--resume'], 'Claude Code'],
    ['/usr/bin/node', ['node', '/home/me/project/server.js'], 'node'],
    ['/usr/bin/node', [], 'node'],
    ['/usr/bin/python3.11 (deleted)', [], 'python3.11'],
    ['C:\\Tools\\agent.exe', [], 'agent.exe'],
  ] as const)('%s %j → %s', (exe, cmdline, name) => {
    expect(friendlyAppName(exe, cmdline)).toBe(name);
  });

  it('does not take a folder named after an app, passed as an argument, for the app', () => {
    expect(friendlyAppName('/usr/share/code/code', ['/usr/share/code/code', '--folder', '/home/me/claude-desktop'])).toBe('VS Code');
    expect(friendlyAppName('/usr/bin/vim', ['vim', 'notes', '/home/me/claude-desktop/README'])).toBe('vim');
  });
});

function verified(identity: PeerIdentity): Extract<PeerIdentity, { verified: true }> {
  if (!identity.verified) throw new Error(`not verified: ${identity.reason}`);
  return identity;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      resolve(text.slice(0, nl));
    };
    const onExit = (code: number | null) => reject(new Error(`child exited before printing a line (exit code ${code})`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Closes its stdin (the children exit on that), then waits for the exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  await exited;
}
