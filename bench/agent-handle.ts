// The benchmark's agent: the built headless agent (dist/agent.js) in its own process, serving
// a profiles file, with bench/agent-probe.cjs preloaded to report its event-loop delay and
// memory over the fork IPC channel. Also writes (and rewrites, for rotation) the profiles file
// the way a user would: JSON, mode 0600, replaced atomically.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';

export interface ProfileSpec {
  endpoint: string;
  auth: 'x-api-key' | 'bearer';
  key: string;
}

/** Writes `{"profiles": …}` to `path` with mode 0600, through a temporary file and a rename
 * (an editor's save: the agent's watch sees a new inode). */
export async function writeProfiles(path: string, profiles: Record<string, ProfileSpec>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ profiles }, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

const sampleSchema = z.object({
  probe: z.literal('sample'),
  seq: z.number(),
  /** Delay beyond the probe's 10 ms timer interval, in ms. */
  eventLoop: z.object({ count: z.number(), p50: z.number(), p99: z.number(), max: z.number(), mean: z.number() }),
  /** Event-loop utilization since the last reset (0–1). */
  elu: z.number(),
  memory: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number(), arrayBuffers: z.number() }),
});
const replySchema = z.union([sampleSchema, z.object({ probe: z.literal('ack'), seq: z.number() })]);
export type AgentSample = z.infer<typeof sampleSchema>;

export interface AgentHandle {
  readonly pid: number;
  readonly socketPath: string;
  /** Restarts the event-loop histogram and the utilization mark. */
  resetEventLoop(): Promise<void>;
  /** Event loop since the last reset, and memory (after a full GC when `gc`). */
  sample(gc: boolean): Promise<AgentSample>;
  stderr(): string;
  close(): Promise<void>;
}

function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

export async function startAgentProcess(root: string, profilesPath: string, socketPath: string): Promise<AgentHandle> {
  const child: ChildProcess = fork(join(root, 'dist/agent.js'), ['--profiles', profilesPath, '--socket', socketPath, '--log-level', 'warn'], {
    execArgv: ['--expose-gc', '--require', join(root, 'bench/agent-probe.cjs')],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const waiting = new Map<number, (reply: z.infer<typeof replySchema>) => void>();
  let seq = 0;
  child.on('message', (raw: unknown) => {
    const parsed = replySchema.safeParse(raw);
    if (parsed.success) waiting.get(parsed.data.seq)?.(parsed.data);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  // Ready = a connection is accepted (the socket file appears at bind, a moment before listen).
  const deadline = Date.now() + 10_000;
  while (!(existsSync(socketPath) && (await accepts(socketPath)))) {
    if (exited || Date.now() > deadline) throw new Error(`agent did not start: ${stderr.trim() || 'no output'}`);
    await new Promise((r) => setTimeout(r, 20));
  }

  const ask = (message: Record<string, unknown>) => {
    const id = ++seq;
    return new Promise<z.infer<typeof replySchema>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('agent probe: no answer')), 30_000);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(reply);
      });
      child.send({ ...message, seq: id });
    });
  };

  return {
    pid: child.pid ?? 0,
    socketPath,
    async resetEventLoop() {
      await ask({ probe: 'reset' });
    },
    async sample(gc) {
      const reply = await ask({ probe: 'sample', gc });
      if (reply.probe !== 'sample') throw new Error('agent probe: unexpected answer');
      return reply;
    },
    stderr: () => stderr,
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await gone;
      clearTimeout(timer);
    },
  };
}
