// Each client's last known state, re-read when KeyBridge changes a file or a watched file
// changes, with what changed reported: a new status, and entries of ours that vanished
// without KeyBridge removing them (e.g. Claude Desktop rewrote its file).
import { sameJson, type BridgeEntryOptions } from './bridge-entry';
import { watchFile, type FileWatch } from './file-watch';
import { clientStatus, type ClientStatus } from './installer';
import { filesOf } from './server-blocks';
import { serialized } from './file-queue';
import type { ClientId, ClientRef, ClientTarget } from './registry';

/** Our entry vanished without KeyBridge removing it (e.g. Claude Desktop rewrote its file). */
export interface EntryRemovedEvent {
  client: ClientId;
  ref: ClientRef;
  label: string;
  configPath: string;
  entryName: string;
  profile: string;
}

export interface ClientWatchOptions {
  target: (ref: ClientRef) => ClientTarget;
  entryOptions: BridgeEntryOptions;
  onStatus: (status: ClientStatus) => void;
  onEntryRemoved: (event: EntryRemovedEvent) => void;
  debounceMs?: number | undefined;
}

function keyOf(ref: ClientRef): string {
  return ref.projectDir ? `${ref.id}:${ref.projectDir}` : ref.id;
}

export class ClientWatch {
  private readonly last = new Map<string, ClientStatus>();
  /** Entries KeyBridge itself is removing: not reported as removed by someone else. */
  private readonly removing = new Set<string>();
  private readonly watches = new Map<string, FileWatch>();

  constructor(private readonly options: ClientWatchOptions) {}

  /** Runs `task` (KeyBridge removing the profile's entry from the file) without reporting
   * that entry as removed by someone else. */
  async removingEntry<T>(configPath: string, profile: string, task: () => Promise<T>): Promise<T> {
    const mark = `${configPath}\0${profile}`;
    this.removing.add(mark);
    try {
      return await task();
    } finally {
      this.removing.delete(mark);
    }
  }

  /** Watches a client's files (once) from now on. */
  watch(ref: ClientRef): void {
    const key = keyOf(ref);
    if (this.watches.has(key)) return;
    const onChange = () => void this.refresh(ref, 'watch').catch(() => undefined);
    const watches = filesOf(this.options.target(ref)).map(({ configPath }) => watchFile(configPath, onChange, this.options.debounceMs));
    this.watches.set(key, { close: () => watches.forEach((w) => w.close()) });
  }

  /** Stops watching a client and forgets its state. */
  forget(ref: ClientRef): void {
    const key = keyOf(ref);
    this.watches.get(key)?.close();
    this.watches.delete(key);
    this.last.delete(key);
  }

  close(): void {
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }

  /** Re-reads a client's state (one at a time per client) and reports what changed. */
  refresh(ref: ClientRef, origin: 'self' | 'watch'): Promise<ClientStatus> {
    const target = this.options.target(ref);
    return serialized(`${target.configPath}#status`, async () => {
      const status = await clientStatus(target, this.options.entryOptions);
      const before = this.last.get(keyOf(ref));
      this.last.set(keyOf(ref), status);
      if (!before || !sameJson(before, status)) this.options.onStatus(status);
      if (origin === 'watch' && before && status.state !== 'error') {
        // The same entry name may be in two blocks (the main one and a project's).
        const where = (e: { entryName: string; scope?: string }) => `${e.scope ?? ''}\0${e.entryName}`;
        const still = new Set([...status.connected, ...status.changed].map(where));
        for (const gone of before.connected.filter((e) => !still.has(where(e)))) {
          if (this.removing.has(`${target.configPath}\0${gone.profile}`)) continue;
          this.options.onEntryRemoved({ client: target.id, ref, label: target.label, configPath: target.configPath, ...gone });
        }
      }
      return status;
    });
  }
}
