// Takes the agent's socket: a Unix socket (mode 0600) in an owner-only (0700) directory, or
// a per-user named pipe on Windows. A leftover socket file is removed only after probing
// that no live agent answers on it, and only under a lock file, so of two agents starting at
// once exactly one listens and the other is told an agent is already running.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { agentSocketDir } from '../../src-shared/agent-socket-path';

export const SOCKET_DIR_MODE = 0o700;
export const SOCKET_FILE_MODE = 0o600;
const PROBE_TIMEOUT_MS = 1000;
/** A lock older than this was left by a crashed start (taking the socket takes milliseconds). */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

export class AgentAlreadyRunningError extends Error {
  constructor(readonly socketPath: string) {
    super(`KeyBridge is already running (another agent answers on ${socketPath}).`);
  }
}

export class AgentSocketError extends Error {}

/** Listens on `socketPath` for `onConnection`; throws AgentAlreadyRunningError or AgentSocketError. */
export async function listenOnAgentSocket(socketPath: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const dir = agentSocketDir(socketPath);
  // Half-open: a bridge whose assistant closed stdin ends its side and still reads the answers
  // to what it had sent (docs/agent-protocol.md, "End"); the agent ends its side itself.
  const server = createServer({ allowHalfOpen: true }, onConnection);
  if (dir === null) {
    // Windows named pipe: no file to clean up; a second listener fails with EADDRINUSE.
    try {
      await listen(server, socketPath);
    } catch (error) {
      if (errnoCode(error) === 'EADDRINUSE') throw new AgentAlreadyRunningError(socketPath);
      throw error;
    }
    return server;
  }
  ensurePrivateDir(dir);
  await withLock(`${socketPath}.lock`, async () => {
    if (exists(socketPath)) {
      if (!lstatSync(socketPath).isSocket()) {
        throw new AgentSocketError(`${socketPath} exists and is not a socket; remove it and start KeyBridge again.`);
      }
      if (await answers(socketPath)) throw new AgentAlreadyRunningError(socketPath);
      unlinkSync(socketPath);
    }
    try {
      await listen(server, socketPath);
    } catch (error) {
      if (errnoCode(error) === 'EADDRINUSE') throw new AgentAlreadyRunningError(socketPath);
      throw error;
    }
    chmodSync(socketPath, SOCKET_FILE_MODE);
  });
  return server;
}

/** Creates the socket's folder owner-only, or checks that an existing one is ours and private. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: SOCKET_DIR_MODE });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new AgentSocketError(`${dir} is not a folder; KeyBridge needs it for its socket.`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new AgentSocketError(`${dir} belongs to another user; KeyBridge will not put its socket there.`);
  }
  // Ours but open to others: someone may have planted or watched things there. Refuse rather
  // than tighten it, so the user looks at it.
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new AgentSocketError(`${dir} is open to other users (mode ${mode}); KeyBridge will not put its socket there. Run: chmod 700 '${dir}'`);
  }
}

/** True when something accepts a connection on the socket (a live agent). */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    const done = (live: boolean) => {
      clearTimeout(timer);
      probe.destroy();
      resolve(live);
    };
    // No answer in time: something holds the socket; never remove it.
    const timer = setTimeout(() => done(true), PROBE_TIMEOUT_MS);
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
  });
}

async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let fd: number | null = null;
  while (fd === null) {
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
      const age = lockAge(lockPath);
      if (age !== null && age > STALE_LOCK_MS) {
        unlinkQuietly(lockPath);
        continue;
      }
      if (Date.now() > deadline) throw new AgentSocketError(`Another KeyBridge is starting (${lockPath} is held); try again.`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    writeSync(fd, String(process.pid));
    return await fn();
  } finally {
    closeSync(fd);
    unlinkQuietly(lockPath);
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function lockAge(path: string): number | null {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
