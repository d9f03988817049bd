// The measurements that are about the agent process rather than one session: memory per open
// session, event-loop delay under load, memory over a 100,000-request session, and a key
// rotation (an edit of the profiles file) while requests run.
import { randomBytes } from 'node:crypto';
import type { AgentHandle, AgentSample, ProfileSpec } from './agent-handle';
import { writeProfiles } from './agent-handle';
import { liveHeapMb, load, processMemory, schedStat, warmUp } from './measure';
import { openSession, type BenchSession, type SessionConfig } from './sessions';
import type { VendorHandle } from './vendor-handle';
import { epochNow } from './vendor-protocol';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function memoryMb(sample: AgentSample) {
  return { rssMb: sample.memory.rss / MiB, heapMb: sample.memory.heapUsed / MiB, externalMb: (sample.memory.external + sample.memory.arrayBuffers) / MiB };
}

async function closeAll(sessions: readonly BenchSession[]): Promise<void> {
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
}

/** Opens `count` bridges (each: initialize + one tools/call) and reads the agent's memory
 * after a full GC before, with them open, and after they closed. */
export async function memoryPerSession(config: SessionConfig, agent: AgentHandle, count: number) {
  const before = memoryMb(await agent.sample(true));
  const sessions: BenchSession[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const session = await openSession('ours', config);
      sessions.push(session);
      await warmUp(session, 1);
    }
    // Let the session views' timers and the sockets settle before reading.
    await sleep(1500);
    const open = memoryMb(await agent.sample(true));
    await closeAll(sessions.splice(0));
    await sleep(1500);
    const after = memoryMb(await agent.sample(true));
    return {
      sessions: count,
      before,
      open,
      afterClose: after,
      rssPerSessionMb: (open.rssMb - before.rssMb) / count,
      heapPerSessionMb: (open.heapMb - before.heapMb) / count,
    };
  } finally {
    await closeAll(sessions);
  }
}

/** `bridges` bridges with `inFlight` callers each for `durationMs`: the agent's event-loop
 * delay, utilization and peak RSS meanwhile, and the requests done. */
export async function eventLoopUnderLoad(config: SessionConfig, agent: AgentHandle, bridges: number, inFlight: number, durationMs: number) {
  const sessions: BenchSession[] = [];
  try {
    for (let i = 0; i < bridges; i++) sessions.push(await openSession('ours', config));
    for (const session of sessions) await warmUp(session, 200);
    await agent.resetEventLoop();
    const schedBefore = schedStat(agent.pid);
    const started = performance.now();
    const deadline = started + durationMs;
    const results = await Promise.all(sessions.map((s) => load(s, inFlight, () => performance.now() >= deadline)));
    const seconds = (performance.now() - started) / 1000;
    const sample = await agent.sample(false);
    const schedAfter = schedStat(agent.pid);
    return {
      bridges,
      inFlight,
      seconds,
      requests: results.reduce((n, r) => n + r.done, 0),
      rps: results.reduce((n, r) => n + r.done, 0) / seconds,
      failed: results.reduce((n, r) => n + r.failed, 0),
      eventLoop: sample.eventLoop,
      elu: sample.elu,
      /** Share of the window the agent's main thread ran, and was runnable but waited for a CPU
       * (another process had it: a delay the agent's own code did not cause). */
      mainThreadRunning: (schedAfter.cpuMs - schedBefore.cpuMs) / (seconds * 1000),
      mainThreadWaiting: (schedAfter.waitMs - schedBefore.waitMs) / (seconds * 1000),
      mainThreadCpuPerRequestMs: (schedAfter.cpuMs - schedBefore.cpuMs) / results.reduce((n, r) => n + r.done, 0),
      agentRssMb: sample.memory.rss / MiB,
      agentPeakRssMb: processMemory(agent.pid).peakMb,
    };
  } finally {
    await closeAll(sessions);
  }
}

/** 100k small calls through one bridge; the bridge's and the agent's memory every `every`. */
export async function longSession(config: SessionConfig, agent: AgentHandle, calls: number, every: number, concurrency: number) {
  const session = await openSession('ours', config, { heapProbe: true });
  try {
    await warmUp(session, 1000);
    const pid = session.pid!;
    const take = async (done: number, bridgeMemory: { rssMb: number; peakMb: number }) => {
      const bridgeHeapMb = await liveHeapMb(session);
      const agentMemory = memoryMb(await agent.sample(true));
      return { calls: done, bridgeRssMb: bridgeMemory.rssMb, bridgePeakMb: bridgeMemory.peakMb, bridgeHeapMb, agentRssMb: agentMemory.rssMb, agentHeapMb: agentMemory.heapMb };
    };
    const samples = [await take(0, processMemory(pid))];
    let sampling = Promise.resolve();
    const started = performance.now();
    const result = await load(
      session,
      concurrency,
      (n) => n >= calls,
      (done) => {
        if (done % every !== 0) return;
        const memory = processMemory(pid);
        sampling = sampling.then(async () => void samples.push(await take(done, memory)));
      },
    );
    await sampling;
    const seconds = (performance.now() - started) / 1000;
    const first = samples.find((s) => s.calls === every) ?? samples[0]!;
    const end = samples[samples.length - 1]!;
    return {
      calls: result.done,
      failed: result.failed,
      errors: result.errors,
      seconds,
      samples,
      agentHeapStartMb: samples[0]!.agentHeapMb,
      agentHeapEndMb: end.agentHeapMb,
      agentHeapGrowthAfterFirstMb: end.agentHeapMb - first.agentHeapMb,
      agentRssStartMb: samples[0]!.agentRssMb,
      agentRssEndMb: end.agentRssMb,
      bridgeHeapStartMb: samples[0]!.bridgeHeapMb,
      bridgeHeapEndMb: end.bridgeHeapMb,
      bridgeHeapGrowthAfterFirstMb: end.bridgeHeapMb - first.bridgeHeapMb,
      bridgeRssEndMb: end.bridgeRssMb,
      maxListenersWarning: session.stderr().includes('MaxListenersExceededWarning') || agent.stderr().includes('MaxListenersExceededWarning'),
      bridgeStderrTail: session.stderr().slice(-2000),
    };
  } finally {
    await session.close();
  }
}

/** `inFlight` callers on one bridge; the vendor accepts a new key (the old one stays valid, as
 * UptimeObserver does); the profiles file is rewritten with it. When does the vendor first see
 * the new key, and does any request fail? */
export async function rotationUnderLoad(
  config: SessionConfig,
  vendor: VendorHandle,
  profilesPath: string,
  profile: (key: string) => Record<string, ProfileSpec>,
  inFlight: number,
) {
  const newKey = `uo_test_bench_${randomBytes(8).toString('hex')}`;
  const session = await openSession('ours', config);
  try {
    await warmUp(session, 200);
    let stop = false;
    const running = load(session, inFlight, () => stop);
    await sleep(1000);
    await vendor.rotate(config.key, newKey);
    await vendor.reset();
    const watch = await vendor.watchKey(newKey);
    await watch.armed;
    const writtenAt = epochNow();
    await writeProfiles(profilesPath, profile(newKey));
    const seenAt = await Promise.race([watch.seen, sleep(5000).then(() => Number.NaN)]);
    await sleep(1000);
    stop = true;
    const result = await running;
    const stats = await vendor.stats();
    const old = stats.byKey[config.key];
    return {
      fileWriteToFirstNewKeyMs: seenAt - writtenAt,
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
