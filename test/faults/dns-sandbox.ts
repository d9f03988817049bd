// DNS failure without traffic leaving the machine. This machine's /etc/resolv.conf points at
// a resolver on the network, and glibc does not special-case `.invalid`, so a plain lookup
// would send a query out. Instead the process under test runs in a private mount namespace
// (unshare -m, root only) where /etc/resolv.conf is bind-mounted to `nameserver 127.0.0.1`,
// and a tiny DNS server on 127.0.0.1:53 answers every query NXDOMAIN and records the names
// asked. The real resolver path (getaddrinfo) fails with ENOTFOUND; nothing goes elsewhere.
import { createSocket, type Socket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DnsSandbox {
  /** Names queried (lower-case), in order. */
  readonly queries: string[];
  /** Wraps a command so it runs with the sandboxed resolver: [command, ...args]. */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  close(): Promise<void>;
}

/** Whether this machine lets us build the sandbox (root + unshare + bind mounts). */
export function dnsSandboxAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /dev/null /etc/hostname'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** The question name of a DNS query packet (RFC 1035 §4.1.2), or '' if unreadable. */
function questionName(packet: Buffer): string {
  const labels: string[] = [];
  let at = 12;
  while (at < packet.length) {
    const length = packet[at]!;
    if (length === 0) break;
    labels.push(packet.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  return labels.join('.').toLowerCase();
}

/** The query echoed back as an NXDOMAIN answer: QR=1, RD/RA kept, RCODE=3, no records. */
function nxdomain(query: Buffer): Buffer {
  const answer = Buffer.from(query);
  answer[2] = 0x80 | (query[2]! & 0x01); // QR, opcode 0, RD copied
  answer[3] = 0x80 | 0x03; // RA, RCODE NXDOMAIN
  answer.writeUInt16BE(0, 6); // ANCOUNT
  answer.writeUInt16BE(0, 8); // NSCOUNT
  answer.writeUInt16BE(0, 10); // ARCOUNT
  return answer;
}

export async function startDnsSandbox(): Promise<DnsSandbox> {
  const queries: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'kb-dns-'));
  const resolvConf = join(dir, 'resolv.conf');
  await writeFile(resolvConf, 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
  const server: Socket = createSocket('udp4');
  server.on('message', (packet, peer) => {
    queries.push(questionName(packet));
    server.send(nxdomain(packet), peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.bind(53, '127.0.0.1', () => resolve());
  });
  return {
    queries,
    wrap(command, args) {
      const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      return { command: 'unshare', args: ['-m', 'sh', '-c', `mount --bind '${resolvConf}' /etc/resolv.conf && exec ${quoted}`] };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
