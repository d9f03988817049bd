// Reads another process's memory the way a debugger would (/proc/<pid>/maps, then the mapped
// ranges from /proc/<pid>/mem), to check that a secret is nowhere in it. Needs ptrace rights
// over the process (root, as CI runs, or a parent with ptrace_scope 0/1 allowing it).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface MemoryScan {
  /** Bytes read in all. */
  bytes: number;
  /** Regions that could not be read (guard pages and the like). */
  unreadable: number;
  /** The needles found, by index. */
  found: number[];
}

const CHUNK = 4 * 1024 * 1024;

/** Scans every readable private or anonymous mapping of `pid` for each of `needles`. */
export function scanProcessMemory(pid: number, needles: readonly Buffer[]): MemoryScan {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').filter(Boolean);
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const longest = Math.max(...needles.map((n) => n.length));
  const found = new Set<number>();
  let bytes = 0;
  let unreadable = 0;
  try {
    for (const line of maps) {
      const [range, perms, , , , path = ''] = line.split(/\s+/);
      if (!range || !perms?.startsWith('r') || path === '[vvar]' || path === '[vsyscall]') continue;
      const [start, end] = range.split('-').map((hex) => BigInt(`0x${hex}`)) as [bigint, bigint];
      // Overlapping reads so a needle across a chunk boundary is still seen.
      for (let at = start; at < end; at += BigInt(CHUNK - longest)) {
        const size = Number(end - at < BigInt(CHUNK) ? end - at : BigInt(CHUNK));
        const buffer = Buffer.alloc(size);
        let read: number;
        try {
          read = readSync(fd, buffer, 0, size, at);
        } catch {
          unreadable++;
          break;
        }
        bytes += read;
        const view = buffer.subarray(0, read);
        needles.forEach((needle, i) => {
          if (view.includes(needle)) found.add(i);
        });
        if (end - at <= BigInt(CHUNK)) break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, unreadable, found: [...found] };
}
