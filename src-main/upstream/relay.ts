// Routes JSON-RPC between one bridge and its upstream session: every message both ways,
// unchanged, each written as soon as it arrives. Requests from the assistant are tracked so
// that each gets exactly one answer: the server's, or an error naming what failed; responses
// whose id is not outstanding (replays, duplicates) never reach the assistant.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { responseLine } from '../../src-shared/agent-protocol';
import { NO_CREDENTIALS, UPSTREAM_ERROR, errorResponse } from '../../src-shared/jsonrpc-errors';
import { REDACTED } from '../../src-shared/redact';
import { NoCredentialsError } from './auth-fetch';
import { describeFailure, upstreamFailureInfo } from './errors';
import type { UpstreamLog } from './log';
import type { StreamGuard } from './stream-guard';
import type { UpstreamSession } from './session';

/** SDK pitfall: the assistant's SDK client dispatches notifications a microtask after it handles
 * a response, so a progress notification read in the same chunk as its result is dropped.
 * Every message is written at once, in order; and the result of a request that got progress
 * starts with JSON whitespace longer than one pipe read (libuv reads 64 KiB), so it cannot
 * share a read with that progress. Only requests that got progress pay for it. */
const READ_CHUNK = 64 * 1024;
let padding: string | null = null;

export interface RelayStatus {
  request(): void;
  ok(): void;
  failure(status: number | null, message: string): void;
}

export interface RelayOptions {
  profile: string;
  session: UpstreamSession;
  guard: StreamGuard;
  log: UpstreamLog;
  status: RelayStatus;
  /** The endpoint, for error messages. */
  endpoint: () => string;
  /** Every key this session has used: scrubbed from anything written should a server echo it. */
  keys: () => readonly string[];
  /** Writes one line (newline included) to the bridge. */
  write: (line: string) => void;
}

export class Relay {
  /** The assistant's requests awaiting an answer: id → method. */
  private readonly outstanding = new Map<RequestId, string>();
  /** Server→client requests awaiting the assistant's answer (replays of these are dropped). */
  private readonly serverRequests = new Set<RequestId>();
  /** Requests that asked for progress: progress token → whether progress was written for it. */
  private readonly progress = new Map<unknown, boolean>();
  private readonly progressTokenOf = new Map<RequestId, unknown>();
  /** Set when the key was removed or paused: every request is answered with this. */
  private revokedMessage: string | null = null;
  private readonly drained = new Set<() => void>();

  constructor(private readonly o: RelayOptions) {}

  fromClient(message: JSONRPCMessage): void {
    if ('method' in message) {
      if ('id' in message) {
        this.outstanding.set(message.id, message.method);
        this.o.status.request();
        const token = (message.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken;
        if (token !== undefined) {
          this.progress.set(token, false);
          this.progressTokenOf.set(message.id, token);
        }
      } else if (message.method === 'notifications/cancelled') {
        const cancelled = (message.params as { requestId?: RequestId } | undefined)?.requestId;
        if (cancelled !== undefined && this.outstanding.delete(cancelled)) {
          this.o.guard.forget(cancelled);
          this.progressDone(cancelled);
          this.settle();
        }
      }
    } else if (message.id !== undefined) {
      this.serverRequests.delete(message.id);
    }
    if (this.revokedMessage !== null) {
      // Every request is answered as it comes, so a request is the only one outstanding here.
      this.failAll(NO_CREDENTIALS, this.revokedMessage);
      return;
    }
    void this.o.session.send(message).then((outcome) => {
      if (outcome) this.failed(message, outcome.error);
    });
  }

  fromServer(message: JSONRPCMessage): void {
    if ('method' in message) {
      if ('id' in message) {
        if (this.serverRequests.has(message.id)) return this.drop('a repeated server request', message.id);
        this.serverRequests.add(message.id);
      } else if (message.method === 'notifications/progress') {
        // Progress for no outstanding request (cancelled or answered): the assistant's SDK would
        // report an unknown token.
        const token = (message.params as { progressToken?: unknown } | undefined)?.progressToken;
        if (!this.progress.has(token)) return this.o.log.debug('dropped progress for no outstanding request');
        this.progress.set(token, true);
      }
      this.write(JSON.stringify(message));
      return;
    }
    if (message.id === undefined) return this.o.log.debug('dropped a response without id');
    const method = this.outstanding.get(message.id);
    if (method === undefined) return this.drop('a response to no outstanding request', message.id);
    this.outstanding.delete(message.id);
    if (method === 'initialize' && 'result' in message) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') this.o.session.setProtocolVersion(version);
    }
    this.o.status.ok();
    const hadProgress = this.progressDone(message.id);
    this.write(responseLine(message.id, 'error' in message ? { error: message.error } : { result: message.result }), hadProgress);
    this.settle();
  }

  /** The key is gone (removed or paused): outstanding and later requests get `message`. */
  revoke(message: string): void {
    this.revokedMessage = message;
    this.failAll(NO_CREDENTIALS, message);
  }

  /** The key is back (resumed): requests go upstream again. */
  restore(): void {
    this.revokedMessage = null;
  }

  /** Resolves once every outstanding request is answered, or after `timeoutMs`, when the rest
   * are answered with an error (the assistant closed its side and is waiting to exit). */
  async drain(timeoutMs: number): Promise<void> {
    if (this.outstanding.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        this.drained.add(done);
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    this.failAll(UPSTREAM_ERROR, `No answer from ${this.o.endpoint()} for '${this.o.profile}' before the assistant closed the connection.`);
  }

  /** Answers every outstanding request with an error (the session is ending). */
  failAll(code: number, text: string): void {
    for (const [id, method] of [...this.outstanding]) {
      this.answerError(id, method, code, text, { profile: this.o.profile });
    }
  }

  private settle(): void {
    if (this.outstanding.size > 0) return;
    for (const done of [...this.drained]) done();
    this.drained.clear();
  }

  private write(line: string, ownRead = false): void {
    let out = line;
    for (const key of this.o.keys()) out = out.replaceAll(key, REDACTED);
    // JSON whitespace longer than one read: whatever came before ends in an earlier read.
    if (ownRead) out = `{${(padding ??= ' '.repeat(READ_CHUNK))}${out.slice(1)}`;
    this.o.write(`${out}\n`);
  }

  /** Forgets a request's progress token; returns whether progress was written for it. */
  private progressDone(id: RequestId): boolean {
    // No token (a request that asked for no progress) is never a key of `progress`.
    const token = this.progressTokenOf.get(id);
    this.progressTokenOf.delete(id);
    const sent = this.progress.get(token) ?? false;
    this.progress.delete(token);
    return sent;
  }

  private drop(what: string, id: RequestId): void {
    if (this.o.log.debugEnabled) this.o.log.debug(`dropped ${what} (id ${JSON.stringify(id)})`);
  }

  private failed(message: JSONRPCMessage, error: unknown): void {
    if (error instanceof NoCredentialsError) {
      this.o.status.failure(null, error.message);
      if ('method' in message && 'id' in message) this.answerError(message.id, message.method, NO_CREDENTIALS, error.message, { profile: this.o.profile });
      return;
    }
    const info = upstreamFailureInfo(error);
    const text = describeFailure(this.o.profile, this.o.endpoint(), info);
    this.o.status.failure(info.status, info.detail || text);
    if ('method' in message && 'id' in message) this.answerError(message.id, message.method, UPSTREAM_ERROR, text, { profile: this.o.profile, status: info.status });
    else this.o.log.warn(text);
  }

  private answerError(id: RequestId, method: string, code: number, text: string, data: Record<string, unknown>): void {
    // Only if still outstanding: a cancelled request gets no answer.
    if (!this.outstanding.delete(id)) return;
    this.progressDone(id);
    this.o.log.warn(`${method} failed: ${text}`);
    const { error } = errorResponse(id, code, text, data);
    this.write(responseLine(id, { error }));
    this.settle();
  }
}
