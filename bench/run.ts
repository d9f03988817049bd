// `npm run bench`: the built bridge (dist/bridge.js) against the direct HTTP floor and
// mcp-remote, all talking to the fake vendor (its own process) on 127.0.0.1 with a fake key.
// Prints a table and writes the raw numbers to bench/results/<timestamp>.json.
// Flags: --modes ours,direct,mcp-remote (default all; the 100k session and rotation need ours).
// The machine is shared, so the modes are measured in interleaved rounds: a load spike hits
// all of them alike instead of whichever ran at that moment.
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { startFakeAgent } from '../test/support/fake-agent';
import { bigResult, latencySamples, liveHeapMb, load, median, percentiles, processMemory, schedStat, throughputSlice, warmUp, type Percentiles } from './measure';
import { renderTable, type Row } from './report';
import { openSession, type BenchSession, type Mode, type SessionConfig } from './sessions';
import { startVendorProcess, type VendorHandle } from './vendor-handle';
import { epochNow } from './vendor-protocol';

const COLD_STARTS = 10;
const WARM_UP_CALLS = 200;
const LATENCY_CALLS = 1000;
const CONCURRENCY = 16;
const THROUGHPUT_MS = 10_000;
const ROUNDS = 10;
const LONG_SESSION_CALLS = 100_000;
const LONG_SESSION_SAMPLE_EVERY = 10_000;
/** More callers for the 100k session than for throughput: it is about memory, not latency. */
const LONG_SESSION_CONCURRENCY = 32;
const MB = 1_000_000;

const modesSchema = z.array(z.enum(['ours', 'direct', 'mcp-remote'])).min(1);

function parseModes(argv: readonly string[]): Mode[] {
  const at = argv.indexOf('--modes');
  if (at === -1) return ['direct', 'ours', 'mcp-remote'];
  return modesSchema.parse((argv[at + 1] ?? '').split(','));
}

interface ModeResult {
  coldStartMs: number[];
  /** The stdio child's main-thread CPU and run-queue wait from spawn to the initialize result. */
  coldStartCpuMs: number[];
  coldStartWaitMs: number[];
  latency: Percentiles;
  throughput: { rps: number; failed: number };
  oneMbMs: number;
  tenMbMs: number;
  /** Peak RSS after latency + throughput, and after the 1 MB / 10 MB results. */
  peakRssMb: { beforeBig: number; overall: number } | null;
  maxListenersWarning: boolean;
}

type Measured = Omit<ModeResult, 'coldStartMs' | 'coldStartCpuMs' | 'coldStartWaitMs'>;

/** Runs `step` for each session, round after round, so every mode sees the same conditions. */
async function interleaved<T>(sessions: readonly BenchSession[], rounds: number, step: (session: BenchSession) => Promise<T>): Promise<Map<Mode, T[]>> {
  const out = new Map<Mode, T[]>(sessions.map((s) => [s.mode, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order too, so no mode always goes first after a pause.
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[(i + round) % sessions.length]!;
      out.get(session.mode)!.push(await step(session));
    }
  }
  return out;
}

async function measureModes(sessions: readonly BenchSession[]): Promise<Map<Mode, Measured>> {
  for (const session of sessions) await warmUp(session, WARM_UP_CALLS);
  const latency = await interleaved(sessions, ROUNDS, (s) => latencySamples(s, LATENCY_CALLS / ROUNDS));
  const rate = await interleaved(sessions, ROUNDS, (s) => throughputSlice(s, CONCURRENCY, THROUGHPUT_MS / ROUNDS));
  const beforeBig = new Map(sessions.map((s) => [s.mode, s.pid === null ? null : processMemory(s.pid).peakMb]));
  const oneMb = await interleaved(sessions, 5, (s) => bigResult(s, MB));
  const tenMb = await interleaved(sessions, 3, (s) => bigResult(s, 10 * MB));
  const results = new Map<Mode, Measured>();
  for (const session of sessions) {
    const slices = rate.get(session.mode)!;
    const before = beforeBig.get(session.mode) ?? null;
    const overall = session.pid === null ? null : processMemory(session.pid).peakMb;
    results.set(session.mode, {
      latency: percentiles(latency.get(session.mode)!.flat()),
      throughput: {
        rps: slices.reduce((n, s) => n + s.done, 0) / slices.reduce((t, s) => t + s.seconds, 0),
        failed: slices.reduce((n, s) => n + s.failed, 0),
      },
      oneMbMs: median(oneMb.get(session.mode)!),
      tenMbMs: median(tenMb.get(session.mode)!),
      peakRssMb: before === null || overall === null ? null : { beforeBig: before, overall },
      maxListenersWarning: session.stderr().includes('MaxListenersExceededWarning'),
    });
  }
  return results;
}

/** One spawn (or connect) → initialize result, with the child's main-thread CPU and wait. */
async function coldStart(mode: Mode, config: SessionConfig): Promise<{ wallMs: number; cpuMs: number | null; waitMs: number | null }> {
  const session = await openSession(mode, config);
  try {
    const stat = session.pid === null ? null : schedStat(session.pid);
    return { wallMs: session.connectMs, cpuMs: stat?.cpuMs ?? null, waitMs: stat?.waitMs ?? null };
  } finally {
    await session.close();
  }
}

/** 100k small calls through one bridge session; RSS sampled every 10k. */
async function longSession(config: SessionConfig) {
  const session = await openSession('ours', config, { heapProbe: true });
  try {
    await warmUp(session, 1000);
    const pid = session.pid!;
    const samples = [{ calls: 0, ...processMemory(pid), heapMb: await liveHeapMb(session) }];
    let sampling = Promise.resolve();
    const started = performance.now();
    const result = await load(
      session,
      LONG_SESSION_CONCURRENCY,
      (n) => n >= LONG_SESSION_CALLS,
      (done) => {
        if (done % LONG_SESSION_SAMPLE_EVERY !== 0) return;
        const memory = processMemory(pid);
        sampling = sampling.then(async () => void samples.push({ calls: done, ...memory, heapMb: await liveHeapMb(session) }));
      },
    );
    await sampling;
    const seconds = (performance.now() - started) / 1000;
    const at10k = samples.find((s) => s.calls === LONG_SESSION_SAMPLE_EVERY) ?? samples[0]!;
    const end = samples[samples.length - 1]!;
    return {
      calls: result.done,
      failed: result.failed,
      errors: result.errors,
      seconds,
      samples,
      rssStartMb: samples[0]!.rssMb,
      rssEndMb: end.rssMb,
      growthAfter10kMb: end.rssMb - at10k.rssMb,
      heapStartMb: samples[0]!.heapMb,
      heapEndMb: end.heapMb,
      heapGrowthAfter10kMb: end.heapMb - at10k.heapMb,
      maxListenersWarning: session.stderr().includes('MaxListenersExceededWarning'),
      stderrTail: session.stderr().slice(-2000),
    };
  } finally {
    await session.close();
  }
}

/** 16 callers in flight; the agent pushes a new key; when does the vendor first see it? */
async function rotationUnderLoad(config: SessionConfig, vendor: VendorHandle, pushCredentials: (key: string) => void) {
  const newKey = `uo_test_bench_${randomBytes(8).toString('hex')}`;
  const session = await openSession('ours', config);
  try {
    await warmUp(session, 200);
    let stop = false;
    const running = load(session, CONCURRENCY, () => stop);
    await new Promise((r) => setTimeout(r, 1000));
    await vendor.rotate(config.key, newKey);
    await vendor.reset();
    const watch = await vendor.watchKey(newKey);
    await watch.armed;
    const pushedAt = epochNow();
    pushCredentials(newKey);
    const seenAt = await Promise.race([watch.seen, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 5000))]);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    const result = await running;
    const stats = await vendor.stats();
    const old = stats.byKey[config.key];
    return {
      pushToFirstNewKeyMs: seenAt - pushedAt,
      clientCalls: result.done,
      failed: result.failed,
      errors: result.errors,
      vendorFailedResponses: stats.failed,
      oldKeyRequestsAfterFirstNewKey: Number.isNaN(seenAt) ? null : (old?.recent.filter((t) => t > seenAt).length ?? 0),
      newKeyRequests: stats.byKey[newKey]?.count ?? 0,
    };
  } finally {
    await session.close();
  }
}

/** `node -e` doing nothing: wall time spawn → exit, and its main thread's CPU time. Started
 * with the environment the SDK's stdio client gives the bridge (a NODE_EXTRA_CA_CERTS in the
 * bench's own environment would otherwise cost it ~90 ms of certificate parsing here). */
function nodeStart(): { wallMs: number; cpuMs: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const out = spawnSync(process.execPath, ['-e', "process.stdout.write(require('fs').readFileSync('/proc/self/schedstat','utf8'))"], { encoding: 'utf8', env: getDefaultEnvironment() });
    wall.push(performance.now() - started);
    cpu.push(Number(out.stdout.trim().split(/\s+/)[0]) / 1e6);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  const modes = parseModes(process.argv.slice(2));
  const bridgeFile = join(root, 'dist/bridge.js');
  if (modes.includes('ours') && !existsSync(bridgeFile)) throw new Error('dist/bridge.js is missing: run `npm run build` first.');

  const key = `uo_test_bench_${randomBytes(8).toString('hex')}`;
  const tmp = await mkdtemp(join(tmpdir(), 'kb-bench-'));
  const vendor = await startVendorProcess(key);
  const agent = await startFakeAgent({ profiles: { bench: { endpoint: vendor.url, auth: 'x-api-key', key } } });
  const config: SessionConfig = {
    root,
    vendorUrl: vendor.url,
    key,
    agentSocket: agent.socketPath,
    profile: 'bench',
    remoteConfigDir: join(tmp, 'mcp-remote'),
  };
  const startedAt = new Date();
  const loadBefore = loadavg();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const results: Partial<Record<Mode, ModeResult>> = {};
    const nodeRef = nodeStart();
    log(`bench: cold starts (${modes.join(', ')}, interleaved)`);
    const colds = new Map<Mode, Pick<ModeResult, 'coldStartMs' | 'coldStartCpuMs' | 'coldStartWaitMs'>>(
      modes.map((m) => [m, { coldStartMs: [], coldStartCpuMs: [], coldStartWaitMs: [] }]),
    );
    for (let i = 0; i < COLD_STARTS; i++) {
      for (const mode of modes) {
        const one = await coldStart(mode, config);
        const into = colds.get(mode)!;
        into.coldStartMs.push(one.wallMs);
        if (one.cpuMs !== null) into.coldStartCpuMs.push(one.cpuMs);
        if (one.waitMs !== null) into.coldStartWaitMs.push(one.waitMs);
      }
    }
    log('bench: latency, throughput, large results (interleaved rounds)');
    const sessions: BenchSession[] = [];
    try {
      for (const mode of modes) sessions.push(await openSession(mode, config));
      const measured = await measureModes(sessions);
      for (const mode of modes) {
        results[mode] = { ...colds.get(mode)!, ...measured.get(mode)! };
        log(`bench: ${mode}: ${JSON.stringify(results[mode])}`);
      }
    } finally {
      for (const session of sessions) await session.close();
    }
    let long: Awaited<ReturnType<typeof longSession>> | null = null;
    let rotation: Awaited<ReturnType<typeof rotationUnderLoad>> | null = null;
    if (modes.includes('ours')) {
      log('bench: ours: 100,000-request session');
      long = await longSession(config);
      log(`bench: ours: 100k: ${long.calls} calls in ${long.seconds.toFixed(1)} s, RSS ${long.rssStartMb.toFixed(1)} → ${long.rssEndMb.toFixed(1)} MB, live heap ${long.heapStartMb.toFixed(1)} → ${long.heapEndMb.toFixed(1)} MB`);
      log('bench: ours: rotation under load');
      rotation = await rotationUnderLoad(config, vendor, (newKey) =>
        agent.pushCredentials('bench', { endpoint: vendor.url, auth: 'x-api-key', key: newKey }),
      );
    }

    const { ours, direct } = results;
    const remote = results['mcp-remote'];
    const pick = (f: (r: ModeResult) => number) => ({ ours: ours ? f(ours) : null, direct: direct ? f(direct) : null, remote: remote ? f(remote) : null });
    const both = (f: (o: number, d: number) => boolean, o: number | null, d: number | null) => (o === null || d === null ? null : f(o, d));
    const cold = pick((r) => median(r.coldStartMs));
    const coldCpu = pick((r) => (r.coldStartCpuMs.length ? median(r.coldStartCpuMs) : Number.NaN));
    const coldWait = pick((r) => (r.coldStartWaitMs.length ? median(r.coldStartWaitMs) : Number.NaN));
    const p50 = pick((r) => r.latency.p50);
    const p99 = pick((r) => r.latency.p99);
    const rps = pick((r) => r.throughput.rps);
    const oneMb = pick((r) => r.oneMbMs);
    const tenMb = pick((r) => r.tenMbMs);
    const peak = pick((r) => r.peakRssMb?.overall ?? Number.NaN);
    const peakBeforeBig = pick((r) => r.peakRssMb?.beforeBig ?? Number.NaN);
    const rows: Row[] = [
      { metric: 'cold start (spawn → initialize), median of 10', ...cold, unit: 'ms', target: '≤ 200 ms', pass: cold.ours === null ? null : cold.ours <= 200 },
      { metric: 'cold start: main-thread CPU (node -e: ' + nodeRef.cpuMs.toFixed(0) + ' ms)', ...coldCpu, direct: null, unit: 'ms', target: '—', pass: null },
      { metric: 'cold start: waiting for a CPU (run queue)', ...coldWait, direct: null, unit: 'ms', target: '—', pass: null },
      { metric: 'tools/call p50 (1,000 sequential)', ...p50, unit: 'ms', target: '≤ direct + 0.3 ms', pass: both((o, d) => o <= d + 0.3, p50.ours, p50.direct) },
      { metric: 'tools/call p99 (1,000 sequential)', ...p99, unit: 'ms', target: '≤ direct + 1.5 ms', pass: both((o, d) => o <= d + 1.5, p99.ours, p99.direct) },
      { metric: 'throughput, 16 in flight, 10 × 1 s', ...rps, unit: 'req/s', target: '≥ 0.95 × direct', pass: both((o, d) => o >= 0.95 * d, rps.ours, rps.direct) },
      { metric: '1 MB tool result, median of 5', ...oneMb, unit: 'ms', target: '≤ 1.5 × direct', pass: both((o, d) => o <= 1.5 * d, oneMb.ours, oneMb.direct) },
      { metric: '10 MB tool result, median of 3', ...tenMb, unit: 'ms', target: '—', pass: null },
      { metric: 'peak RSS before large results (VmHWM)', ...peakBeforeBig, direct: null, unit: 'MB', target: '—', pass: null },
      { metric: 'peak RSS incl. 10 MB result (VmHWM)', ...peak, direct: null, unit: 'MB', target: '≤ 80 MB', pass: peak.ours === null ? null : peak.ours <= 80 },
    ];
    if (long) {
      rows.push(
        { metric: '100k session: RSS at start', ours: long.rssStartMb, direct: null, remote: null, unit: 'MB', target: '—', pass: null },
        { metric: '100k session: RSS at end', ours: long.rssEndMb, direct: null, remote: null, unit: 'MB', target: '—', pass: null },
        { metric: '100k session: RSS growth 10k → 100k', ours: long.growthAfter10kMb, direct: null, remote: null, unit: 'MB', target: '—', pass: null },
        { metric: '100k session: live heap (after GC) at start', ours: long.heapStartMb, direct: null, remote: null, unit: 'MB', target: '—', pass: null },
        { metric: '100k session: live heap (after GC) at end', ours: long.heapEndMb, direct: null, remote: null, unit: 'MB', target: '—', pass: null },
        {
          metric: '100k session: live heap growth 10k → 100k',
          ours: long.heapGrowthAfter10kMb,
          direct: null,
          remote: null,
          unit: 'MB',
          target: '≤ 2 MB, no MaxListeners warning, 0 failed',
          pass: long.heapGrowthAfter10kMb <= 2 && !long.maxListenersWarning && long.failed === 0,
        },
      );
    }
    if (rotation) {
      rows.push(
        { metric: 'rotation: push → first request with new key', ours: rotation.pushToFirstNewKeyMs, direct: null, remote: null, unit: 'ms', target: 'seen (< 5 s)', pass: Number.isFinite(rotation.pushToFirstNewKeyMs) },
        { metric: 'rotation under load: failed requests', ours: rotation.failed + rotation.vendorFailedResponses, direct: null, remote: null, unit: '', target: '0', pass: rotation.failed + rotation.vendorFailedResponses === 0 },
      );
    }
    const table = renderTable(rows);
    process.stdout.write(`\n${table}\n\n`);
    if (long) process.stdout.write(`100k session: ${long.calls} calls in ${long.seconds.toFixed(1)} s, ${long.failed} failed, MaxListenersExceededWarning: ${long.maxListenersWarning ? 'YES' : 'no'}\n`);
    if (rotation) process.stdout.write(`rotation: ${rotation.clientCalls} calls, ${rotation.newKeyRequests} with the new key, ${rotation.oldKeyRequestsAfterFirstNewKey} with the old key after the first new-key request\n`);

    const file = join(root, 'bench/results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    await mkdir(join(root, 'bench/results'), { recursive: true });
    await writeFile(
      file,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
          bridgeBytes: existsSync(bridgeFile) ? statSync(bridgeFile).size : null,
          bridgeBuiltAt: existsSync(bridgeFile) ? statSync(bridgeFile).mtime.toISOString() : null,
          gitHead: spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
          nodeStart: nodeRef,
          modes: results,
          longSession: long,
          rotation,
          rows,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`node -e (spawn → exit): ${nodeRef.wallMs.toFixed(1)} ms wall, ${nodeRef.cpuMs.toFixed(1)} ms CPU; load average before/after: ${loadBefore[0]!.toFixed(2)}/${loadavg()[0]!.toFixed(2)}\nresults: ${file}\n`);
  } finally {
    await agent.close();
    await vendor.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
