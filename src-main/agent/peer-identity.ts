// Which process is on the other end of an agent connection, as the OS says (Linux).
//
// Why not trust the client: a bridge names itself (and its pid) in its hello, but any process
// of the user can connect and claim any name or pid. The kernel knows which process holds the
// other end of a Unix socket. Node exposes neither SO_PEERCRED nor sock_diag, so we ask
// iproute2's `ss`: it asks the kernel (sock_diag) for every Unix socket with its inode and its
// peer's inode, and scans /proc/*/fd for the processes holding each inode. One run of
// `ss -xpn` answers: our socket's row → the peer's inode → the peer's row → the pids holding it.
//
// Filters do not make it cheaper: ss scans every process's fds before filtering, unix filters
// match only paths (the peer end has none; inodes cannot be filtered), and a second run would
// scan twice. The cost grows with the open fds on the machine (2 cores: ~10 ms with 550 fds,
// ~140 ms with 32 000), so checks that arrive together share one run (sharedSsRun).
//
// ss's text is not trusted either: it prints paths and process names unescaped, and a process
// may name itself `x",pid=1,fd=0` or bind a path with a newline. So the rows for our inode and
// the peer's must each be unique and point at each other, and a pid counts only if
// /proc/<pid>/fd/<fd> links to the peer's socket — checked again after reading the process,
// so a pid that exited and was reused in between is not taken for the peer.
//
// Several processes may hold one socket (fork, inherited fds). Then any of them can write on
// it and naming one would be a guess: such a connection is unverified (the same pid holding
// the socket on several fds is fine).
import { execFile } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { open, readFile, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { parseSsUnix } from './ss-rows';

export interface VerifiedProcess {
  pid: number;
  /** readlink /proc/<pid>/exe: the program the kernel runs (" (deleted)" appended if replaced since). */
  exe: string;
  /** /proc/<pid>/cmdline. The process writes it itself (it may rewrite its argv): display hints only, never trust. */
  cmdline?: string[];
}

export type PeerIdentity =
  | { verified: true; peer: VerifiedProcess; parent: VerifiedProcess | null }
  | { verified: false; reason: string };

export interface IdentifyPeerOptions {
  /** Default: the first of /usr/bin/ss, /usr/sbin/ss, /bin/ss, /sbin/ss that exists (never $PATH). */
  ssPath?: string;
  /** How long ss may run; default 2000 ms. */
  timeoutMs?: number;
}

const SS_PATHS = ['/usr/bin/ss', '/usr/sbin/ss', '/bin/ss', '/sbin/ss'];
const DEFAULT_TIMEOUT_MS = 2000;
/** A desktop has a few thousand Unix sockets at ~150 bytes a row; 8 MiB is ~50 000 rows. */
const MAX_SS_OUTPUT = 8 * 1024 * 1024;
const MAX_CMDLINE_BYTES = 16 * 1024;

/** Asks the OS which process holds the other end of `socket`. Never throws. */
export async function identifyPeer(socket: Socket, options: IdentifyPeerOptions = {}): Promise<PeerIdentity> {
  try {
    return await identify(socket, options);
  } catch (error) {
    return unverified(`could not check which process connected (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function identify(socket: Socket, options: IdentifyPeerOptions): Promise<PeerIdentity> {
  if (process.platform !== 'linux') return unverified('the OS did not say which process connected (only checked on Linux)');
  // Read the inode now, synchronously: once we await, the socket may close and its fd number
  // be reused by another file.
  const ourInode = socketInode(socket);
  if (ourInode === null) return unverified('the connection closed before it could be checked');

  const ssPath = options.ssPath ?? SS_PATHS.find((path) => existsSync(path));
  if (ssPath === undefined) return unverified('the OS did not say which process connected (ss not available; install iproute2)');
  const ss = await sharedSsRun(ssPath, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (!ss.ok) return unverified(`the OS did not say which process connected (${ss.reason})`);

  const rows = parseSsUnix(ss.output);
  const ours = rows.filter((row) => row.localInode === ourInode);
  const [own] = ours;
  if (own === undefined) return unverified('the connection closed before it could be checked');
  if (ours.length > 1) return unverified('the OS listing of sockets was ambiguous');
  const peerInode = own.peerInode;
  if (peerInode === 0) return unverified('the process that connected has already gone');
  const peers = rows.filter((row) => row.localInode === peerInode);
  const [other] = peers;
  if (other === undefined) return unverified('the other end is not visible here (another network namespace?)');
  if (peers.length > 1 || other.peerInode !== ourInode) return unverified('the OS listing of sockets was ambiguous');

  const peerLink = `socket:[${peerInode}]`;
  const holders = new Map<number, number>(); // pid → one fd on which it holds the peer socket
  for (const { pid, fd: peerFd } of other.users) {
    if ((await readlinkOrNullAsync(`/proc/${pid}/fd/${peerFd}`)) === peerLink) holders.set(pid, peerFd);
  }
  const [holder, ...more] = holders;
  if (holder === undefined) return unverified('the OS did not say which process connected (it may belong to another user)');
  if (more.length > 0) return unverified(`several processes share the connection (pids ${[...holders.keys()].join(', ')})`);
  const [pid, peerFd] = holder;

  const peer = await readProcess(pid);
  // Still holding it after we read it: the pid did not exit and get reused in between.
  if (peer === null || (await readlinkOrNullAsync(`/proc/${pid}/fd/${peerFd}`)) !== peerLink) {
    return unverified('the process that connected has already gone');
  }
  // (ppid 0, no parent: there is no /proc/0, so readProcess answers null.)
  let parent = await readProcess(peer.ppid);
  // A parent that exited leaves the peer reparented, and its pid free for reuse.
  if (parentPid(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')) !== peer.ppid) parent = null;
  return { verified: true, peer: peer.process, parent: parent === null ? null : parent.process };
}


/**
 * The inode of the socket under a net.Socket, from /proc/self/fd/<fd>. Node has no public API
 * for the fd; `_handle.fd` is libuv's, internal but present on Unix since Node's early days. No
 * handle (never connected, or destroyed: Node drops it at once), or an fd that is not a socket
 * (a pipe) → null.
 */
function socketInode(socket: Socket): number | null {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  // Stryker disable next-line StringLiteral: read only when readlink failed, and any text but a socket link gives null
  let link = '';
  try {
    link = readlinkSync(`/proc/self/fd/${String(fd)}`);
  } catch {
    // No such fd (none at all reads as /proc/self/fd/undefined).
  }
  // Stryker disable next-line Regex: a socket's fd links to exactly socket:[N], and a net.Socket never wraps a file whose path could hold that text, so the anchors change nothing
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match === null ? null : Number(match[1]);
}

type SsResult = { ok: true; output: string } | { ok: false; reason: string };

/** Per ss path: the run that callers may still join (it has not started), and the latest run. */
const joinable = new Map<string, Promise<SsResult>>();
const latest = new Map<string, Promise<SsResult>>();

/**
 * Runs ss for this caller, sharing the run with every caller that arrives before it starts: when
 * many bridges connect at once (the agent restarted), one scan of /proc serves them all. A run
 * already under way is never joined (it may predate the caller's connection); callers wait for it
 * to end and share the next. The first caller's timeout holds for the shared run.
 */
function sharedSsRun(ssPath: string, timeoutMs: number): Promise<SsResult> {
  const waiting = joinable.get(ssPath);
  if (waiting !== undefined) return waiting;
  const previous = latest.get(ssPath)?.catch(() => undefined) ?? Promise.resolve();
  const run = previous.then(() => {
    joinable.delete(ssPath);
    return runSs(ssPath, timeoutMs);
  });
  joinable.set(ssPath, run);
  latest.set(ssPath, run);
  return run;
}

function runSs(ssPath: string, timeoutMs: number): Promise<SsResult> {
  return new Promise((resolve) => {
    // No shell; an environment of our own: ss reads PROC_ROOT / PROC_NET_UNIX from it.
    execFile(ssPath, ['-xpn'], { env: { LC_ALL: 'C' }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_SS_OUTPUT }, (error, stdout) => {
      if (error === null) return resolve({ ok: true, output: stdout });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') resolve({ ok: false, reason: 'ss not available; install iproute2' });
      else if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') resolve({ ok: false, reason: 'too many sockets to list' });
      else if (error.killed) resolve({ ok: false, reason: 'ss did not answer in time' });
      else resolve({ ok: false, reason: `ss failed: ${error.message.split('\n')[0]}` });
    });
  });
}

/** exe, cmdline and parent pid of `pid`, or null when it is gone or not ours to read. */
async function readProcess(pid: number): Promise<{ process: VerifiedProcess; ppid: number } | null> {
  try {
    const [exe, stat, cmdline] = await Promise.all([readlink(`/proc/${pid}/exe`), readFile(`/proc/${pid}/stat`, 'utf8'), readCmdline(pid)]);
    return { process: cmdline.length > 0 ? { pid, exe, cmdline } : { pid, exe }, ppid: parentPid(stat) };
  } catch {
    return null;
  }
}

/** Field 4 of /proc/<pid>/stat. Field 2 is the name in parentheses and may itself hold spaces
 * and ')'. NaN for a stat that cannot be read: no process has that pid, and it equals nothing. */
function parentPid(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

async function readCmdline(pid: number): Promise<string[]> {
  const file = await open(`/proc/${pid}/cmdline`, 'r');
  try {
    const buffer = Buffer.alloc(MAX_CMDLINE_BYTES);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    // NUL-separated; a process that rewrote its title may leave a run of NULs at the end.
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/\0+$/, '');
    return text === '' ? [] : text.split('\0');
  } finally {
    await file.close();
  }
}

function readlinkOrNullAsync(path: string): Promise<string | null> {
  // Stryker disable next-line ArrowFunction: callers compare the answer with a socket's link, which undefined is not either
  return readlink(path).catch(() => null);
}

function unverified(reason: string): PeerIdentity {
  return { verified: false, reason };
}
