// The fake vendor for the benchmark, in its own process so the vendor's work does not share
// an event loop with the client being measured. Started by bench/run.ts with fork(); argv:
// <key>. Instead of keeping every request record (100k+ of them), it counts arrivals per key
// and time-stamps them at the moment the vendor sees each request.
import { startFakeVendor, type RecordedRequest } from '../test/support/fake-vendor';
import { epochNow, vendorCommandSchema, type KeyStats, type VendorReply } from './vendor-protocol';

const RECENT_LIMIT = 20_000;

function keyOf(record: RecordedRequest): string {
  if (record.xApiKey !== undefined) return record.xApiKey;
  const bearer = /^Bearer (\S+)$/.exec(record.authorization ?? '');
  return bearer?.[1] ?? '';
}

async function main(): Promise<void> {
  const key = process.argv[2];
  if (!key) throw new Error('usage: vendor-process <key>');
  const send = (reply: VendorReply) => process.send?.(reply);
  const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [key] });

  let byKey = new Map<string, KeyStats>();
  let total = 0;
  let failed = 0;
  const watches = new Map<string, number[]>();
  // The vendor appends each request's record as it arrives: count it here instead of keeping it.
  const records = vendor.requests as RecordedRequest[];
  records.push = (...items: RecordedRequest[]): number => {
    const at = epochNow();
    for (const record of items) {
      total++;
      const k = keyOf(record);
      const stats = byKey.get(k) ?? { count: 0, first: at, last: at, recent: [] };
      stats.count++;
      stats.last = at;
      if (stats.recent.length < RECENT_LIMIT) stats.recent.push(at);
      byKey.set(k, stats);
      const seqs = watches.get(k);
      if (seqs) {
        watches.delete(k);
        for (const seq of seqs) send({ type: 'keySeen', seq, at });
      }
      // The vendor sets `status` when the response finishes: count failures of this epoch.
      const epoch = byKey;
      let status = record.status;
      Object.defineProperty(record, 'status', {
        get: () => status,
        set: (value: number) => {
          status = value;
          if (value >= 400 && epoch === byKey) failed++;
        },
      });
    }
    return 0;
  };

  process.on('message', (raw: unknown) => {
    const parsed = vendorCommandSchema.safeParse(raw);
    if (!parsed.success) return;
    const command = parsed.data;
    switch (command.cmd) {
      case 'rotate':
        vendor.rotate(command.oldKey, command.newKey);
        send({ type: 'ack', seq: command.seq });
        break;
      case 'watchKey':
        watches.set(command.key, [...(watches.get(command.key) ?? []), command.seq]);
        send({ type: 'ack', seq: command.seq });
        break;
      case 'stats':
        send({ type: 'stats', seq: command.seq, total, failed, byKey: Object.fromEntries(byKey) });
        break;
      case 'reset':
        byKey = new Map();
        total = 0;
        failed = 0;
        send({ type: 'ack', seq: command.seq });
        break;
    }
  });
  process.on('disconnect', () => {
    void vendor.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', url: vendor.url, port: vendor.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`vendor-process: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
