// Preloaded into the real headless agent for the benchmark only:
//   fork('dist/agent.js', [...], { execArgv: ['--expose-gc', '--require', 'bench/agent-probe.cjs'] })
// so the agent measured is the shipped bundle itself (no bench-only flag in src-main, no second
// build). Over the fork IPC channel it answers bench/agent-handle.ts:
//   { probe: 'reset', seq }            → restarts the event-loop delay histogram and the ELU mark
//   { probe: 'sample', seq, gc: bool } → { probe: 'sample', seq, eventLoop, elu, memory }
// The histogram is perf_hooks.monitorEventLoopDelay at Node's default 10 ms resolution; its
// samples are whole timer intervals (an idle loop records ~10 ms), so the interval is
// subtracted here: `eventLoop` is the delay beyond it, in ms.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with --require
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let eluMark = performance.eventLoopUtilization();
  // (No samples yet: the histogram's mean is NaN; report 0.)
  const ms = (ns) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);

  process.on('message', (message) => {
    if (!message || typeof message !== 'object' || typeof message.probe !== 'string') return;
    if (message.probe === 'reset') {
      histogram.reset();
      eluMark = performance.eventLoopUtilization();
      process.send({ probe: 'ack', seq: message.seq });
      return;
    }
    if (message.probe === 'sample') {
      if (message.gc && typeof global.gc === 'function') global.gc();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      process.send({
        probe: 'sample',
        seq: message.seq,
        eventLoop: {
          count: histogram.count,
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
          mean: ms(histogram.mean),
        },
        elu: performance.eventLoopUtilization(eluMark).utilization,
        memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
      });
    }
  });
  // The channel must not keep the agent alive on its own; and if the benchmark goes away
  // (crash, Ctrl-C), the agent stops the way it does on SIGTERM instead of lingering.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel?.unref();
}
