// Preloaded into the bridge for the benchmark's 100k session only (node --expose-gc --require):
// on SIGUSR2 it collects garbage and writes the live heap size to stderr, so the benchmark can
// tell a leak (live heap growing) from V8 simply keeping more memory around (RSS).
'use strict';
process.on('SIGUSR2', () => {
  global.gc();
  const { heapUsed, rss } = process.memoryUsage();
  process.stderr.write(`KEYBRIDGE_BENCH_HEAP ${heapUsed} ${rss}\n`);
});
