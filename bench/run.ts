// `npm run bench`: KeyBridge as shipped (the built bridge, dist/bridge.js, piping to the built
// headless agent, dist/agent.js, in its own process) against the SDK client talking to the
// vendor directly (the floor) and against mcp-remote, all reaching the same fake vendor (its
// own process) on 127.0.0.1. Prints a table and writes the raw numbers to
// bench/results/<timestamp>.json.
// Flags: --modes ours,direct,mcp-remote (default all; the agent figures need ours);
// --quick: every count and duration cut ~10× to check the bench itself (figures meaningless).
// The machine is shared, so the modes are measured in interleaved rounds: a load spike hits
// all of them alike instead of whichever ran at that moment.
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { startAgentProcess, writeProfiles, type AgentHandle, type ProfileSpec } from './agent-handle';
import { eventLoopUnderLoad, longSession, memoryPerSession, rotationUnderLoad } from './agent-measures';
import { bigResult, latencySamples, median, percentiles, processMemory, schedStat, throughputSlice, warmUp, type Percentiles } from './measure';
import { renderTable, type Row } from './report';
import { openSession, type BenchSession, type Mode, type SessionConfig } from './sessions';
import { startVendorProcess } from './vendor-handle';

const QUICK = process.argv.includes('--quick');
const COLD_STARTS = QUICK ? 2 : 20;
const WARM_UP_CALLS = 200;
const LATENCY_CALLS = QUICK ? 100 : 1000;
const CONCURRENCY = 16;
const THROUGHPUT_MS = QUICK ? 1000 : 10_000;
const ROUNDS = QUICK ? 2 : 10;
const ONE_MB_ROUNDS = QUICK ? 2 : 10;
const TEN_MB_ROUNDS = QUICK ? 1 : 5;
/** Bridges held open at once to measure the agent's memory per session. */
const OPEN_SESSIONS = QUICK ? 4 : 20;
/** The event-loop figure: this many bridges, each with CONCURRENCY calls in flight. */
const EVENT_LOOP_BRIDGES = 4;
const EVENT_LOOP_MS = QUICK ? 2000 : 10_000;
const LONG_SESSION_CALLS = QUICK ? 10_000 : 100_000;
const LONG_SESSION_SAMPLE_EVERY = LONG_SESSION_CALLS / 10;
/** More callers for the 100k session than for throughput: it is about memory, not latency. */
const LONG_SESSION_CONCURRENCY = 32;
const MB = 1_000_000;

const modesSchema = z.array(z.enum(['ours', 'direct', 'mcp-remote'])).min(1);

function parseModes(argv: readonly string[]): Mode[] {
  const at = argv.indexOf('--modes');
  if (argv.some((arg, i) => arg.startsWith('--') && arg !== '--modes' && arg !== '--quick' && argv[i - 1] !== '--modes')) {
    throw new Error('usage: bench/run.ts [--modes ours,direct,mcp-remote] [--quick]');
  }
  if (at === -1) return ['direct', 'ours', 'mcp-remote'];
  return modesSchema.parse((argv[at + 1] ?? '').split(','));
}

interface ModeResult {
  coldStartMs: number[];
  /** The stdio child's main-thread CPU and run-queue wait from spawn to the initialize result. */
  coldStartCpuMs: number[];
  coldStartWaitMs: number[];
  /** The stdio child's peak RSS at the initialize result. */
  coldStartPeakMb: number[];
  latency: Percentiles;
  throughput: { rps: number; failed: number };
  oneMbMs: number;
  tenMbMs: number;
  /** Peak RSS of the stdio child after latency + throughput, and after the 1 MB / 10 MB results. */
  peakRssMb: { beforeBig: number; overall: number } | null;
  maxListenersWarning: boolean;
}

type ColdFields = 'coldStartMs' | 'coldStartCpuMs' | 'coldStartWaitMs' | 'coldStartPeakMb';
type Measured = Omit<ModeResult, ColdFields>;

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

/** `floor` (the stdio floor) takes part in the large results only. */
async function measureModes(sessions: readonly BenchSession[], floor: BenchSession): Promise<{ results: Map<Mode, Measured>; floor: { oneMbMs: number; tenMbMs: number } }> {
  for (const session of sessions) await warmUp(session, WARM_UP_CALLS);
  const latency = await interleaved(sessions, ROUNDS, (s) => latencySamples(s, LATENCY_CALLS / ROUNDS));
  const rate = await interleaved(sessions, ROUNDS, (s) => throughputSlice(s, CONCURRENCY, THROUGHPUT_MS / ROUNDS));
  const beforeBig = new Map(sessions.map((s) => [s.mode, s.pid === null ? null : processMemory(s.pid).peakMb]));
  const withFloor = [...sessions, floor];
  const oneMb = await interleaved(withFloor, ONE_MB_ROUNDS, (s) => bigResult(s, MB));
  const tenMb = await interleaved(withFloor, TEN_MB_ROUNDS, (s) => bigResult(s, 10 * MB));
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
  return { results, floor: { oneMbMs: median(oneMb.get(floor.mode)!), tenMbMs: median(tenMb.get(floor.mode)!) } };
}

/** One spawn (or connect) → initialize result, with the child's main-thread CPU and wait. */
async function coldStart(mode: Mode, config: SessionConfig): Promise<{ wallMs: number; cpuMs: number | null; waitMs: number | null; peakMb: number | null }> {
  const session = await openSession(mode, config);
  try {
    const stat = session.pid === null ? null : schedStat(session.pid);
    const peakMb = session.pid === null ? null : processMemory(session.pid).peakMb;
    return { wallMs: session.connectMs, cpuMs: stat?.cpuMs ?? null, waitMs: stat?.waitMs ?? null, peakMb };
  } finally {
    await session.close();
  }
}

/** A bare `node -e 0`, spawned the way the SDK's stdio client spawns the bridge (async, its
 * default environment: a NODE_EXTRA_CA_CERTS in the bench's own environment would otherwise
 * cost it ~90 ms of certificate parsing): spawn → exit, in ms. */
function bareNode(): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: getDefaultEnvironment() });
    child.once('error', reject);
    child.once('exit', () => resolvePromise(performance.now() - started));
  });
}

/** The main-thread CPU time of a bare node start (reads its own schedstat), median of 5. */
function bareNodeCpuMs(): number {
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const out = spawnSync(process.execPath, ['-e', "process.stdout.write(require('fs').readFileSync('/proc/self/schedstat','utf8'))"], { encoding: 'utf8', env: getDefaultEnvironment() });
    cpu.push(Number(out.stdout.trim().split(/\s+/)[0]) / 1e6);
  }
  return median(cpu);
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  const modes = parseModes(process.argv.slice(2));
  for (const file of ['dist/bridge.js', 'dist/agent.js']) {
    if (modes.includes('ours') && !existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  const bridgeFile = join(root, 'dist/bridge.js');

  const key = `uo_test_bench_${randomBytes(8).toString('hex')}`;
  const tmp = await mkdtemp(join(tmpdir(), 'kb-bench-'));
  const vendor = await startVendorProcess(key);
  const profilesPath = join(tmp, 'profiles.json');
  const profiles = (k: string): Record<string, ProfileSpec> => ({ bench: { endpoint: vendor.url, auth: 'x-api-key', key: k } });
  await writeProfiles(profilesPath, profiles(key));
  let agent: AgentHandle | null = null;
  const startedAt = new Date();
  const loadBefore = loadavg();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    agent = modes.includes('ours') ? await startAgentProcess(root, profilesPath, join(tmp, 'agent.sock')) : null;
    const config: SessionConfig = {
      root,
      vendorUrl: vendor.url,
      key,
      agentSocket: agent?.socketPath ?? '',
      profile: 'bench',
      remoteConfigDir: join(tmp, 'mcp-remote'),
    };
    const agentIdle = agent ? await agent.sample(true) : null;
    const results: Partial<Record<Mode, ModeResult>> = {};
    const nodeCpuMs = bareNodeCpuMs();
    log(`bench: cold starts (node -e 0, ${modes.join(', ')}, interleaved)`);
    const nodeMs: number[] = [];
    const colds = new Map<Mode, Pick<ModeResult, ColdFields>>(modes.map((m) => [m, { coldStartMs: [], coldStartCpuMs: [], coldStartWaitMs: [], coldStartPeakMb: [] }]));
    for (let i = 0; i < COLD_STARTS; i++) {
      nodeMs.push(await bareNode());
      for (const mode of modes) {
        const one = await coldStart(mode, config);
        const into = colds.get(mode)!;
        into.coldStartMs.push(one.wallMs);
        if (one.cpuMs !== null) into.coldStartCpuMs.push(one.cpuMs);
        if (one.waitMs !== null) into.coldStartWaitMs.push(one.waitMs);
        if (one.peakMb !== null) into.coldStartPeakMb.push(one.peakMb);
      }
    }
    log('bench: latency, throughput, large results (interleaved rounds)');
    const sessions: BenchSession[] = [];
    let floor: { oneMbMs: number; tenMbMs: number };
    try {
      for (const mode of modes) sessions.push(await openSession(mode, config));
      const floorSession = await openSession('stdio-floor', config);
      sessions.push(floorSession);
      const measured = await measureModes(sessions.slice(0, -1), floorSession);
      floor = measured.floor;
      log(`bench: stdio floor: ${JSON.stringify(floor)}`);
      for (const mode of modes) {
        results[mode] = { ...colds.get(mode)!, ...measured.results.get(mode)! };
        log(`bench: ${mode}: ${JSON.stringify(results[mode])}`);
      }
    } finally {
      for (const session of sessions) await session.close();
    }
    const agentAfterModes = agent ? { sample: await agent.sample(true), peakRssMb: processMemory(agent.pid).peakMb } : null;

    let perSession: Awaited<ReturnType<typeof memoryPerSession>> | null = null;
    let eventLoop: Awaited<ReturnType<typeof eventLoopUnderLoad>> | null = null;
    let long: Awaited<ReturnType<typeof longSession>> | null = null;
    let rotation: Awaited<ReturnType<typeof rotationUnderLoad>> | null = null;
    if (agent) {
      log(`bench: agent: memory with ${OPEN_SESSIONS} bridges open`);
      perSession = await memoryPerSession(config, agent, OPEN_SESSIONS);
      log(`bench: agent: ${JSON.stringify(perSession)}`);
      log(`bench: agent: event loop, ${EVENT_LOOP_BRIDGES} bridges × ${CONCURRENCY} in flight`);
      eventLoop = await eventLoopUnderLoad(config, agent, EVENT_LOOP_BRIDGES, CONCURRENCY, EVENT_LOOP_MS);
      log(`bench: agent: ${JSON.stringify(eventLoop)}`);
      log('bench: ours: 100,000-request session');
      long = await longSession(config, agent, LONG_SESSION_CALLS, LONG_SESSION_SAMPLE_EVERY, LONG_SESSION_CONCURRENCY);
      log(
        `bench: ours: 100k: ${long.calls} calls in ${long.seconds.toFixed(1)} s; agent live heap ${long.agentHeapStartMb.toFixed(1)} → ${long.agentHeapEndMb.toFixed(1)} MB, ` +
          `bridge live heap ${long.bridgeHeapStartMb.toFixed(1)} → ${long.bridgeHeapEndMb.toFixed(1)} MB`,
      );
      log('bench: ours: rotation under load (the profiles file rewritten with a new key)');
      rotation = await rotationUnderLoad(config, vendor, profilesPath, profiles, CONCURRENCY);
      log(`bench: ours: rotation: ${JSON.stringify(rotation)}`);
    }

    const { ours, direct } = results;
    const remote = results['mcp-remote'];
    const pick = (f: (r: ModeResult) => number) => ({ ours: ours ? f(ours) : null, direct: direct ? f(direct) : null, remote: remote ? f(remote) : null });
    const both = (f: (o: number, d: number) => boolean, o: number | null, d: number | null) => (o === null || d === null ? null : f(o, d));
    const only = (value: number) => ({ ours: value, direct: null, remote: null });
    const nodeWall = median(nodeMs);
    const cold = pick((r) => median(r.coldStartMs));
    const coldCpu = pick((r) => (r.coldStartCpuMs.length ? median(r.coldStartCpuMs) : Number.NaN));
    const coldWait = pick((r) => (r.coldStartWaitMs.length ? median(r.coldStartWaitMs) : Number.NaN));
    const p50 = pick((r) => r.latency.p50);
    const p99 = pick((r) => r.latency.p99);
    const rps = pick((r) => r.throughput.rps);
    const oneMb = pick((r) => r.oneMbMs);
    const tenMb = pick((r) => r.tenMbMs);
    const coldPeak = pick((r) => (r.coldStartPeakMb.length ? median(r.coldStartPeakMb) : Number.NaN));
    const peak = pick((r) => r.peakRssMb?.overall ?? Number.NaN);
    const peakBeforeBig = pick((r) => r.peakRssMb?.beforeBig ?? Number.NaN);
    const ratio = (o: number | null, d: number | null) => (o === null || d === null ? '' : ` (${(o / d).toFixed(2)}×)`);
    const rows: Row[] = [
      { metric: `bare \`node -e 0\` (spawn → exit), median of ${COLD_STARTS}`, ours: nodeWall, direct: null, remote: null, unit: 'ms', target: '—', pass: null },
      {
        metric: `cold start (spawn → initialize result), median of ${COLD_STARTS}`,
        ...cold,
        unit: 'ms',
        target: `≤ node + 40 ms = ${(nodeWall + 40).toFixed(0)} ms`,
        pass: cold.ours === null ? null : cold.ours <= nodeWall + 40,
      },
      { metric: `cold start: main-thread CPU (node -e: ${nodeCpuMs.toFixed(0)} ms)`, ...coldCpu, direct: null, unit: 'ms', target: '—', pass: null },
      { metric: 'cold start: waiting for a CPU (run queue)', ...coldWait, direct: null, unit: 'ms', target: '—', pass: null },
      { metric: 'tools/call p50 (1,000 sequential)', ...p50, unit: 'ms', target: '≤ direct + 0.3 ms', pass: both((o, d) => o <= d + 0.3, p50.ours, p50.direct) },
      { metric: 'tools/call p99 (1,000 sequential)', ...p99, unit: 'ms', target: '≤ direct + 1.5 ms', pass: both((o, d) => o <= d + 1.5, p99.ours, p99.direct) },
      { metric: `throughput, 16 in flight, 10 × 1 s${ratio(rps.ours, rps.direct)}`, ...rps, unit: 'req/s', target: '≥ 0.95 × direct', pass: both((o, d) => o >= 0.95 * d, rps.ours, rps.direct) },
      { metric: `1 MB tool result, median of ${ONE_MB_ROUNDS}${ratio(oneMb.ours, oneMb.direct)}`, ...oneMb, unit: 'ms', target: '≤ 1.3 × direct', pass: both((o, d) => o <= 1.3 * d, oneMb.ours, oneMb.direct) },
      { metric: `10 MB tool result, median of ${TEN_MB_ROUNDS}${ratio(tenMb.ours, tenMb.direct)}`, ...tenMb, unit: 'ms', target: '≤ 1.5 × direct', pass: both((o, d) => o <= 1.5 * d, tenMb.ours, tenMb.direct) },
      { metric: `1 MB: stdio floor (SDK stdio client ← a process that only answers)${ratio(floor.oneMbMs, oneMb.direct)}`, ...only(floor.oneMbMs), unit: 'ms', target: '—', pass: null },
      { metric: `10 MB: stdio floor (same)${ratio(floor.tenMbMs, tenMb.direct)}`, ...only(floor.tenMbMs), unit: 'ms', target: '—', pass: null },
      { metric: 'bridge peak RSS at the initialize result (VmHWM)', ...coldPeak, direct: null, unit: 'MB', target: '—', pass: null },
      { metric: 'bridge peak RSS before large results (VmHWM)', ...peakBeforeBig, direct: null, unit: 'MB', target: '—', pass: null },
      { metric: 'bridge peak RSS incl. 10 MB result (VmHWM)', ...peak, direct: null, unit: 'MB', target: '≤ 50 MB', pass: peak.ours === null ? null : peak.ours <= 50 },
    ];
    if (agentIdle && agentAfterModes) {
      rows.push(
        { metric: 'agent RSS idle, before any session', ...only(agentIdle.memory.rss / 2 ** 20), unit: 'MB', target: '—', pass: null },
        { metric: 'agent peak RSS through the runs above (VmHWM)', ...only(agentAfterModes.peakRssMb), unit: 'MB', target: '—', pass: null },
      );
    }
    if (perSession) {
      rows.push(
        { metric: `agent live heap per open session (${perSession.sessions} bridges)`, ...only(perSession.heapPerSessionMb), unit: 'MB', target: '—', pass: null },
        { metric: `agent RSS per open session (${perSession.sessions} bridges)`, ...only(perSession.rssPerSessionMb), unit: 'MB', target: '≤ 3 MB', pass: perSession.rssPerSessionMb <= 3 },
      );
    }
    if (eventLoop) {
      rows.push(
        { metric: `agent event-loop delay p99, ${eventLoop.bridges} bridges × ${eventLoop.inFlight} in flight`, ...only(eventLoop.eventLoop.p99), unit: 'ms', target: '≤ 20 ms', pass: eventLoop.eventLoop.p99 <= 20 },
        { metric: `  same: max; ${eventLoop.rps.toFixed(0)} req/s, loop busy ${(eventLoop.elu * 100).toFixed(0)} %`, ...only(eventLoop.eventLoop.max), unit: 'ms', target: '—', pass: null },
        {
          metric:
            `  same: main thread on a CPU ${(eventLoop.mainThreadRunning * 100).toFixed(0)} % (${eventLoop.mainThreadCpuPerRequestMs.toFixed(2)} ms/request), ` +
            `waiting for one ${(eventLoop.mainThreadWaiting * 100).toFixed(0)} %`,
          ...only(eventLoop.eventLoop.p50),
          unit: 'ms',
          target: '— (value: p50)',
          pass: null,
        },
        { metric: '  same: agent peak RSS (VmHWM)', ...only(eventLoop.agentPeakRssMb), unit: 'MB', target: '—', pass: null },
      );
    }
    if (long) {
      rows.push(
        { metric: '100k session: agent live heap at start', ...only(long.agentHeapStartMb), unit: 'MB', target: '—', pass: null },
        { metric: '100k session: agent live heap at end', ...only(long.agentHeapEndMb), unit: 'MB', target: '—', pass: null },
        {
          metric: '100k session: agent live heap growth 10k → 100k',
          ...only(long.agentHeapGrowthAfterFirstMb),
          unit: 'MB',
          target: '≤ 2 MB (flat), no MaxListeners warning, 0 failed',
          pass: long.agentHeapGrowthAfterFirstMb <= 2 && !long.maxListenersWarning && long.failed === 0,
        },
        { metric: '100k session: agent RSS start → end', ...only(long.agentRssEndMb - long.agentRssStartMb), unit: 'MB', target: '—', pass: null },
        { metric: '100k session: bridge live heap growth 10k → 100k', ...only(long.bridgeHeapGrowthAfterFirstMb), unit: 'MB', target: '—', pass: null },
      );
    }
    if (rotation) {
      rows.push(
        { metric: 'rotation: file written → first request with new key', ...only(rotation.fileWriteToFirstNewKeyMs), unit: 'ms', target: '≤ 1 s', pass: rotation.fileWriteToFirstNewKeyMs <= 1000 },
        { metric: 'rotation under load: failed requests', ...only(rotation.failed + rotation.vendorFailedResponses), unit: '', target: '0', pass: rotation.failed + rotation.vendorFailedResponses === 0 },
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
          finishedAt: new Date().toISOString(),
          machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
          bridgeBytes: existsSync(bridgeFile) ? statSync(bridgeFile).size : null,
          bridgeBuiltAt: existsSync(bridgeFile) ? statSync(bridgeFile).mtime.toISOString() : null,
          gitHead: spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
          bareNode: { wallMs: nodeMs, cpuMs: nodeCpuMs },
          modes: results,
          stdioFloor: floor,
          agent: { idle: agentIdle, afterModes: agentAfterModes, perSession, eventLoop, stderrTail: agent?.stderr().slice(-2000) ?? null },
          longSession: long,
          rotation,
          rows,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`load average before/after: ${loadBefore[0]!.toFixed(2)}/${loadavg()[0]!.toFixed(2)}\nresults: ${file}\n`);
  } finally {
    await agent?.close();
    await vendor.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
