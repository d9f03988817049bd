// The benchmark's side of the fake-vendor child: start it, send commands, await replies.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { vendorReplySchema, type KeyStats, type VendorCommand, type VendorReply } from './vendor-protocol';

type Stats = Extract<VendorReply, { type: 'stats' }>;
type Command<C extends VendorCommand['cmd']> = Omit<Extract<VendorCommand, { cmd: C }>, 'seq'>;

export interface VendorHandle {
  readonly url: string;
  readonly pid: number;
  rotate(oldKey: string, newKey: string): Promise<void>;
  /** Arms a watch; the returned promise resolves with the arrival time of the first request carrying `key`. */
  watchKey(key: string): Promise<{ armed: Promise<void>; seen: Promise<number> }>;
  stats(): Promise<{ total: number; failed: number; byKey: Record<string, KeyStats> }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startVendorProcess(key: string): Promise<VendorHandle> {
  const child: ChildProcess = fork(join(__dirname, 'vendor-process.ts'), [key], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (reply: VendorReply) => void>();
  let seq = 0;
  let onReady: ((reply: Extract<VendorReply, { type: 'ready' }>) => void) | null = null;
  child.on('message', (raw: unknown) => {
    const parsed = vendorReplySchema.safeParse(raw);
    if (!parsed.success) return;
    const reply = parsed.data;
    if (reply.type === 'ready') onReady?.(reply);
    else waiting.get(reply.seq)?.(reply);
  });
  const ready = await new Promise<Extract<VendorReply, { type: 'ready' }>>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`vendor process exited (${code})`)));
  });

  function call<C extends VendorCommand['cmd']>(command: Command<C>, ...types: VendorReply['type'][]): Promise<VendorReply>[] {
    const id = ++seq;
    const promises = types.map(
      (type) =>
        new Promise<VendorReply>((resolve) => {
          const previous = waiting.get(id);
          waiting.set(id, (reply) => {
            previous?.(reply);
            if (reply.type === type) resolve(reply);
          });
        }),
    );
    child.send({ ...command, seq: id });
    return promises;
  }

  return {
    url: ready.url,
    pid: child.pid ?? 0,
    async rotate(oldKey, newKey) {
      await call<'rotate'>({ cmd: 'rotate', oldKey, newKey }, 'ack')[0];
    },
    async watchKey(key) {
      const [ack, seen] = call<'watchKey'>({ cmd: 'watchKey', key }, 'ack', 'keySeen');
      return {
        armed: ack!.then(() => undefined),
        seen: seen!.then((reply) => (reply.type === 'keySeen' ? reply.at : Number.NaN)),
      };
    },
    async stats() {
      const reply = (await call<'stats'>({ cmd: 'stats' }, 'stats')[0]!) as Stats;
      return { total: reply.total, failed: reply.failed, byKey: reply.byKey };
    },
    async reset() {
      await call<'reset'>({ cmd: 'reset' }, 'ack')[0];
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
