// Who is asking for a key, as far as the OS can tell (peer-identity.ts), and the access policy
// that decides on it. The process on the socket is the bridge; the assistant is its parent
// (the launcher execs the bridge). A name the client gives itself is shown, never trusted.
import { friendlyAppName } from './app-names';
import type { PeerIdentity } from './peer-identity';

export interface BridgeClient {
  /** What the user sees: the assistant's friendly name from its verified executable, else the
   * name it gave itself, cut to one printable line. */
  name: string;
  /** True when the OS said which process connected. */
  verified: boolean;
  /** The assistant's executable path (verified): what "Always allow" is keyed on. */
  exe: string | null;
  /** The assistant's pid (verified), else null. */
  pid: number | null;
  /** The name the client gave itself (initialize's clientInfo.name), cut; null if none. */
  claimedName: string | null;
}

export interface AccessRequest {
  client: BridgeClient;
  profile: string;
}

/** Decides whether a client may use a profile (the tray adds the approval prompt). */
export type AccessPolicy = (request: AccessRequest) => Promise<'allow' | 'deny'>;

export const allowAll: AccessPolicy = async () => 'allow';

const MAX_CLAIMED_NAME = 80;

/** A self-declared name as one printable line of at most 80 characters. */
export function cutClaimedName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return printable.length > MAX_CLAIMED_NAME ? `${printable.slice(0, MAX_CLAIMED_NAME - 1)}…` : printable;
}

export function describeClient(identity: PeerIdentity, claimed: string | null): BridgeClient {
  const claimedName = claimed === null ? null : cutClaimedName(claimed) || null;
  if (!identity.verified) {
    return { name: claimedName ? `${claimedName} (unverified)` : 'An unverified app', verified: false, exe: null, pid: null, claimedName };
  }
  // The assistant started the bridge; with no parent left (re-parented to init), the peer itself.
  const app = identity.parent && identity.parent.pid > 1 ? identity.parent : identity.peer;
  return { name: friendlyAppName(app.exe), verified: true, exe: app.exe, pid: app.pid, claimedName };
}

/** For the activity log: the name, and the pid when verified. */
export function clientLabel(client: BridgeClient): string {
  return client.pid === null ? client.name : `${client.name} (pid ${client.pid})`;
}
