// One long-lived built bridge driven line by line, for fuzzing thousands of cases through a
// single process: write raw lines, collect every stdout line (parsed) in order, and wait for
// the answer to a given id without rescanning what was already seen.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { bridgePath } from '../support/bridge-process';

export interface OutLine {
  raw: string;
  /** Parsed JSON, or undefined when the line is not JSON (a protocol violation). */
  message: Record<string, unknown> | undefined;
}

export class BridgeDriver {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: OutLine[] = [];
  stderr = '';
  private pending = '';
  private readonly waiters = new Map<string, (line: OutLine) => void>();
  private readonly stderrWaiters = new Set<() => void>();

  constructor(profile: string, agentSocket: string) {
    this.child = spawn(process.execPath, [bridgePath(), '--profile', profile, '--agent', agentSocket, '--log-level', 'warn'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
      for (const check of this.stderrWaiters) check();
    });
    this.child.stdin.on('error', () => undefined);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Writes text as is (the caller adds newlines); resolves once it is flushed to the pipe. */
  write(text: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.child.stdin.write(text, (error) => (error ? reject(error) : resolve())));
  }

  /** Resolves with the first line, seen from now on, whose message has this id. */
  waitForId(id: string | number, timeoutMs = 10_000): Promise<OutLine> {
    const key = JSON.stringify(id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`bridge: no answer for id ${key} within ${timeoutMs} ms (alive: ${this.alive}); stderr tail: ${this.stderr.slice(-1000)}`));
      }, timeoutMs);
      this.waiters.set(key, (line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  /** Resolves once stderr, from offset `from` on (e.g. `stderr.length` before the cause), holds `text`. */
  waitForStderr(text: string, from: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.stderr.includes(text, from)) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`bridge: '${text}' not on stderr within ${timeoutMs} ms (alive: ${this.alive}); stderr tail: ${this.stderr.slice(-1000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.stderrWaiters.delete(check);
      };
      this.stderrWaiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  private onData(chunk: string): void {
    this.pending += chunk;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) !== -1) {
      const raw = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      let message: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(raw);
        message = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        message = undefined;
      }
      const line = { raw, message };
      this.out.push(line);
      if (message && 'id' in message) {
        const key = JSON.stringify(message.id);
        const waiter = this.waiters.get(key);
        if (waiter) {
          this.waiters.delete(key);
          waiter(line);
        }
      }
    }
  }
}
