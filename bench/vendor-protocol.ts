// Messages between bench/run.ts and the fake-vendor child (bench/vendor-process.ts), over
// the fork IPC channel. Both sides parse with these schemas.
import { z } from 'zod';

export const vendorCommandSchema = z.discriminatedUnion('cmd', [
  /** UptimeObserver semantics: the new key is accepted, the old one stays valid. */
  z.object({ cmd: z.literal('rotate'), seq: z.number(), oldKey: z.string(), newKey: z.string() }),
  /** Answer `keySeen` when the first request carrying `key` arrives (armed before a push). */
  z.object({ cmd: z.literal('watchKey'), seq: z.number(), key: z.string() }),
  /** Per-key counts and arrival times since the last reset. */
  z.object({ cmd: z.literal('stats'), seq: z.number() }),
  z.object({ cmd: z.literal('reset'), seq: z.number() }),
]);
export type VendorCommand = z.infer<typeof vendorCommandSchema>;

export const keyStatsSchema = z.object({
  count: z.number(),
  /** Epoch ms (sub-ms precision) of the first and last arrival. */
  first: z.number(),
  last: z.number(),
  /** Arrival times of the most recent requests (bounded). */
  recent: z.array(z.number()),
});
export type KeyStats = z.infer<typeof keyStatsSchema>;

export const vendorReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string(), port: z.number() }),
  z.object({ type: z.literal('ack'), seq: z.number() }),
  z.object({ type: z.literal('keySeen'), seq: z.number(), at: z.number() }),
  z.object({ type: z.literal('stats'), seq: z.number(), total: z.number(), failed: z.number(), byKey: z.record(z.string(), keyStatsSchema) }),
]);
export type VendorReply = z.infer<typeof vendorReplySchema>;

/** Wall-clock epoch milliseconds with sub-millisecond precision, comparable across processes. */
export const epochNow = (): number => performance.timeOrigin + performance.now();
