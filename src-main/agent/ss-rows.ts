// Reading `ss -xpn` (iproute2's listing of Unix sockets, with the processes that hold them):
// what peer-identity.ts asks the kernel through.

/** One row of `ss -xpn`. */
export interface SsUnixRow {
  netid: string;
  state: string;
  localAddress: string;
  localInode: number;
  peerAddress: string;
  /** 0 when the other end is gone. */
  peerInode: number;
  /** From `users:((…))`; names are unescaped process names, pids are to be checked against /proc. */
  users: { name: string; pid: number; fd: number }[];
}

/**
 * Parses `ss -xpn` output into rows; skips the header and anything else that is not a row.
 * Columns: Netid State Recv-Q Send-Q Local-Address Local-Inode Peer-Address Peer-Inode [users:((…))].
 * The local address may contain spaces (a path); the peer address is one word ("*" — ss
 * prints peer names only when it reads /proc/net/unix, and then "?" or a path). A process name
 * may hold quotes and commas but never ')' (ss reads it up to the first one), so each users
 * entry ends at the first ')' after its fd.
 */
export function parseSsUnix(output: string): SsUnixRow[] {
  const rows: SsUnixRow[] = [];
  for (const line of output.split('\n')) {
    const head = /^(\S+)\s+(\S+)\s+\d+\s+\d+\s+(.*)$/.exec(line.trim());
    if (head === null) continue;
    const [, netid = '', state = '', rest = ''] = head;
    const usersAt = rest.indexOf(' users:((');
    const addresses = /^(.*\S)\s+(\d+)\s+(\S+)\s+(\d+)$/.exec((usersAt < 0 ? rest : rest.slice(0, usersAt)).trim());
    if (addresses === null) continue;
    const users = usersAt < 0 ? [] : [...rest.slice(usersAt).matchAll(/\("(.*?)",pid=(\d+),fd=(\d+)\)/g)];
    const [, localAddress = '', localInode, peerAddress = '', peerInode] = addresses;
    rows.push({
      netid,
      state,
      localAddress,
      localInode: Number(localInode),
      peerAddress,
      peerInode: Number(peerInode),
      users: users.map(([, name = '', pid, fd]) => ({ name, pid: Number(pid), fd: Number(fd) })),
    });
  }
  return rows;
}
