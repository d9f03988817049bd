// What identifyPeer (src-main/agent/peer-identity.ts) answers when `ss` says something odd: a
// real Unix socket pair in this process, and a stand-in `ss` (a real script in a temp dir, passed
// as ssPath) that prints rows written for the test around the pair's real inodes, fails, hangs,
// or prints too much. Linux only (the check itself is).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identifyPeer } from '../../../src-main/agent/peer-identity';

const SS_PATH = ['/usr/bin/ss', '/usr/sbin/ss', '/bin/ss', '/sbin/ss'].find((path) => existsSync(path));
const NODE = realpathSync(process.execPath);

let dir: string;
let server: Server;
/** The agent's end (accepted) and the client's end, both in this process. */
let ours: Socket;
let theirs: Socket;
let scripts = 0;

function fdOf(socket: Socket): number {
  return (socket as unknown as { _handle: { fd: number } })._handle.fd;
}

function inodeOf(socket: Socket): number {
  return Number(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fdOf(socket)}`))![1]);
}

/** A stand-in ss: a shell script with `body`; returns its path. */
function fakeSs(body: string): string {
  const path = join(dir, `ss-${++scripts}`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A stand-in ss that prints `output` (written to a file, printed with cat). */
function printingSs(output: string): string {
  const file = join(dir, `out-${scripts + 1}`);
  writeFileSync(file, output);
  return fakeSs(`cat '${file}'`);
}

/** One row as `ss -xpn` prints it. */
function row(localInode: number, peerInode: number, users: [pid: number, fd: number][] = []): string {
  const list = users.length === 0 ? '' : ` users:(${users.map(([pid, fd]) => `("node",pid=${pid},fd=${fd})`).join(',')})`;
  return `u_str ESTAB 0      0      * ${localInode}            * ${peerInode}${list}`;
}

const HEADER = 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process';

describe.runIf(process.platform === 'linux')('identifyPeer, when ss says something odd', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-peer-mk-'));
    server = createServer();
    server.listen(join(dir, 'agent.sock'));
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    theirs = connect(join(dir, 'agent.sock'));
    [[ours]] = await Promise.all([accepted, once(theirs, 'connect')]);
  });
  afterEach(async () => {
    ours.destroy();
    theirs.destroy();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const check = (ssPath: string, timeoutMs?: number) => identifyPeer(ours, timeoutMs === undefined ? { ssPath } : { ssPath, timeoutMs });

  it('the pair as ss would list it: this process, and its parent', async () => {
    const ssPath = printingSs([HEADER, row(inodeOf(ours), inodeOf(theirs), [[process.pid, fdOf(ours)]]), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]])].join('\n'));
    expect(await check(ssPath)).toMatchObject({ verified: true, peer: { pid: process.pid, exe: NODE }, parent: { pid: process.ppid } });
  });

  it('a listed fd that is not the peer socket does not hide one that is, of the same process', async () => {
    const ssPath = printingSs([row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, 999_999], [process.pid, fdOf(theirs)]])].join('\n'));
    expect(await check(ssPath)).toMatchObject({ verified: true, peer: { pid: process.pid } });
  });

  it.each([
    ['our socket is not listed', () => [row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]])], 'the connection closed before it could be checked'],
    ['our socket is listed twice', () => [row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]])], 'the OS listing of sockets was ambiguous'],
    ['its peer is gone (inode 0)', () => [row(inodeOf(ours), 0)], 'the process that connected has already gone'],
    ['the peer is not listed', () => [row(inodeOf(ours), inodeOf(theirs))], 'the other end is not visible here (another network namespace?)'],
    ['the peer is listed twice', () => [row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]]), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]])], 'the OS listing of sockets was ambiguous'],
    ['the peer points at another socket', () => [row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours) + 1, [[process.pid, fdOf(theirs)]])], 'the OS listing of sockets was ambiguous'],
    ['no process holds the peer', () => [row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours))], 'the OS did not say which process connected (it may belong to another user)'],
    // A listed pid counts only if /proc says it holds the peer socket on that fd.
    ['the listed holder does not hold it', () => [row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(ours)], [process.pid, 999_999]])], 'the OS did not say which process connected (it may belong to another user)'],
  ])('%s: unverified, saying why', async (_what, rows, reason) => {
    expect(await check(printingSs([HEADER, ...rows()].join('\n')))).toEqual({ verified: false, reason });
  });

  it('two processes holding the other end: unverified, naming both pids in the order ss lists them', async () => {
    // The child gets the client's socket as its fd 3: both hold the same connection.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: ['ignore', 'ignore', 'ignore', theirs] });
    try {
      const ssPath = printingSs([row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)], [child.pid!, 3]])].join('\n'));
      expect(await check(ssPath)).toEqual({ verified: false, reason: `several processes share the connection (pids ${process.pid}, ${child.pid})` });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('ss runs with -xpn, no shell and an environment of its own (C locale, nothing inherited)', async () => {
    const seen = join(dir, 'seen');
    const ssPath = fakeSs(`echo "$*|$LC_ALL|$KEYBRIDGE_TEST_LEAK" > '${seen}'\nexec '${SS_PATH ?? '/usr/bin/ss'}' "$@"`);
    process.env.KEYBRIDGE_TEST_LEAK = 'inherited';
    try {
      await check(ssPath);
    } finally {
      delete process.env.KEYBRIDGE_TEST_LEAK;
    }
    expect(readFileSync(seen, 'utf8')).toBe('-xpn|C|\n');
  });

  it('an ss that fails: its first line of error', async () => {
    const ssPath = fakeSs('echo "ss: netlink says no" >&2\necho second line >&2\nexit 3');
    expect(await check(ssPath)).toEqual({ verified: false, reason: `the OS did not say which process connected (ss failed: Command failed: ${ssPath} -xpn)` });
  });

  it('an ss that cannot be run is as good as none', async () => {
    const ssPath = join(dir, 'not-executable');
    writeFileSync(ssPath, '#!/bin/sh\n');
    chmodSync(ssPath, 0o644);
    expect(await check(ssPath)).toEqual({ verified: false, reason: 'the OS did not say which process connected (ss not available; install iproute2)' });
  });

  it('an ss that prints more than 8 MiB: too many sockets', async () => {
    const ssPath = fakeSs('head -c 9000000 /dev/zero');
    expect(await check(ssPath)).toEqual({ verified: false, reason: 'the OS did not say which process connected (too many sockets to list)' });
  });

  it('an ss that prints less than 8 MiB is read', async () => {
    const rows = [row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]])].join('\n');
    const ssPath = printingSs(`${' '.repeat(8 * 1024 * 1024 - rows.length - 10)}\n${rows}\n`);
    expect(await check(ssPath)).toMatchObject({ verified: true, peer: { pid: process.pid } });
  });

  it('an ss that hangs is killed after the timeout given', async () => {
    const ssPath = fakeSs('exec sleep 30');
    expect(await check(ssPath, 100)).toEqual({ verified: false, reason: 'the OS did not say which process connected (ss did not answer in time)' });
  }, 1500);

  it('a socket with no fd (never connected) is a connection closed', async () => {
    expect(await identifyPeer(new Socket(), { ssPath: fakeSs('exit 1') })).toEqual({ verified: false, reason: 'the connection closed before it could be checked' });
  });

  it('a net.Socket over a FIFO (not a Unix socket) is not taken for a connection', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const socket = new Socket({ fd: openSync(fifo, 'r+') });
    try {
      expect(await identifyPeer(socket, { ssPath: fakeSs('exit 1') })).toEqual({ verified: false, reason: 'the connection closed before it could be checked' });
    } finally {
      socket.destroy();
    }
  });

  it('leaves no file open behind it', async () => {
    const ssPath = printingSs([row(inodeOf(ours), inodeOf(theirs)), row(inodeOf(theirs), inodeOf(ours), [[process.pid, fdOf(theirs)]])].join('\n'));
    const open = () => readdirSync('/proc/self/fd').length;
    expect(await check(ssPath)).toMatchObject({ verified: true });
    const before = open();
    for (let i = 0; i < 10; i++) expect(await check(ssPath)).toMatchObject({ verified: true });
    // Each check reads two command lines (the process and its parent).
    expect(open() - before).toBeLessThan(10);
  });

  it('on another OS: unverified, saying it is only checked on Linux', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(await identifyPeer(ours)).toEqual({ verified: false, reason: 'the OS did not say which process connected (only checked on Linux)' });
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });

  it('an unexpected failure is an answer, not an exception', async () => {
    // The error's message, not its name and code.
    expect(await identifyPeer(ours, { ssPath: 'bad\0path' })).toEqual({
      verified: false,
      reason: expect.stringMatching(/^could not check which process connected \(The argument 'file' must be a string without null bytes\. .+\)$/),
    });
  });
});

describe.runIf(process.platform === 'linux' && SS_PATH !== undefined)('identifyPeer, real processes the other tests do not start', () => {
  const children: ChildProcess[] = [];
  const pids: number[] = [];
  let socketPath: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-peer-mk-'));
    socketPath = join(dir, 'agent.sock');
    server = createServer();
    server.listen(socketPath);
    await once(server, 'listening');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const pid of pids.splice(0)) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Connects from `node -e script socketPath` (staying connected); resolves with our end and the child. */
  async function connected(script: string): Promise<{ socket: Socket; child: ChildProcess }> {
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const child = spawn(process.execPath, ['-e', `${script}; require('node:net').connect(process.argv[1]); setInterval(() => undefined, 1000);`, socketPath], { stdio: 'ignore' });
    children.push(child);
    const [socket] = await accepted;
    return { socket, child };
  }

  it('a process that blanked its command line has no cmdline in its identity', async () => {
    const { socket, child } = await connected(`process.title = ''`);
    const identity = await identifyPeer(socket);
    socket.destroy();
    expect(identity).toMatchObject({ verified: true, peer: { pid: child.pid, exe: NODE } });
    expect(identity.verified && 'cmdline' in identity.peer).toBe(false);
  });

  it('a process that renamed itself: its new title, without the NULs left after it', async () => {
    const { socket, child } = await connected(`process.title = 'kb-renamed'`);
    const identity = await identifyPeer(socket);
    socket.destroy();
    expect(identity).toMatchObject({ verified: true, peer: { pid: child.pid, exe: NODE, cmdline: ['kb-renamed'] } });
  });

  it('a process whose parent exited: verified, with init or no one as its parent', async () => {
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const orphan = `require('node:net').connect(process.argv[1]); setInterval(() => undefined, 1000);`;
    const launcher = spawn(
      process.execPath,
      ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', process.argv[1], process.argv[2]], { detached: true, stdio: 'ignore' }); console.log(c.pid); c.unref();`, orphan, socketPath],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    launcher.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const [[socket]] = await Promise.all([accepted, once(launcher, 'exit')]);
    const pid = Number(out.trim());
    pids.push(pid);
    const identity = await identifyPeer(socket);
    socket.destroy();
    expect(identity).toMatchObject({ verified: true, peer: { pid, exe: NODE } });
    // Here /proc/1/exe may not be ours to read: then no parent; where it is, init.
    expect(identity.verified && (identity.parent === null || identity.parent.pid === 1)).toBe(true);
  });
});
