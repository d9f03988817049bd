// The measurements, each driving one open session with the SDK Client.
import { readFileSync } from 'node:fs';
import type { BenchSession } from './sessions';

export interface Percentiles {
  p50: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at]!;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** VmRSS and VmHWM (peak RSS) of a live process, in MB. */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU time and run-queue wait of a process's main thread so far (/proc/<pid>/schedstat), in ms:
 * load-independent where wall time is not (wait = time it was runnable but another task ran). */
export function schedStat(pid: number): { cpuMs: number; waitMs: number } {
  const [cpuNs, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return { cpuMs: (cpuNs ?? Number.NaN) / 1e6, waitMs: (waitNs ?? Number.NaN) / 1e6 };
}

const echo = (session: BenchSession, text = 'ping') => session.client.callTool({ name: 'echo', arguments: { text } });

export async function warmUp(session: BenchSession, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) await echo(session);
}

/** Sequential tools/call round trips: one sample (ms) per call. */
export async function latencySamples(session: BenchSession, calls: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await echo(session);
    samples.push(performance.now() - started);
  }
  return samples;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length };
}

/** Runs `concurrency` callers until `until()` says stop; counts completions and failures. */
export async function load(
  session: BenchSession,
  concurrency: number,
  until: (done: number) => boolean,
  onDone?: (done: number) => void,
): Promise<{ done: number; failed: number; errors: string[] }> {
  let done = 0;
  let failed = 0;
  const errors: string[] = [];
  const worker = async () => {
    while (!until(done + failed)) {
      try {
        const result = await echo(session);
        if (result.isError) throw new Error(JSON.stringify(result.content).slice(0, 200));
        done++;
        onDone?.(done);
      } catch (error) {
        failed++;
        if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { done, failed, errors };
}

/** Completed calls with `concurrency` in flight for `durationMs`. */
export async function throughputSlice(session: BenchSession, concurrency: number, durationMs: number): Promise<{ done: number; seconds: number; failed: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  const { done, failed } = await load(session, concurrency, () => performance.now() >= deadline);
  return { done, seconds: (performance.now() - started) / 1000, failed };
}

/** Time (ms) of one tool call whose result carries `bytes` characters. */
export async function bigResult(session: BenchSession, bytes: number): Promise<number> {
  const started = performance.now();
  const result = await session.client.callTool({ name: 'big', arguments: { bytes } }, undefined, { timeout: 120_000 });
  const content = result.content as { text?: string }[];
  if (content[0]?.text?.length !== bytes) throw new Error(`big: expected ${bytes} characters`);
  return performance.now() - started;
}

const HEAP_LINE = /KEYBRIDGE_BENCH_HEAP (\d+) (\d+)/g;

/** Live heap after a full GC, in MB, from a session opened with the heap probe. */
export async function liveHeapMb(session: BenchSession): Promise<number> {
  const before = [...session.stderr().matchAll(HEAP_LINE)].length;
  process.kill(session.pid!, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = [...session.stderr().matchAll(HEAP_LINE)];
    if (lines.length > before) return Number(lines[lines.length - 1]![1]) / (1024 * 1024);
    if (Date.now() > deadline) throw new Error('heap probe: no answer');
    await new Promise((r) => setTimeout(r, 20));
  }
}
