// Routes JSON-RPC between the assistant and the upstream session: every message both ways,
// unchanged, each written as soon as it arrives. Requests from the assistant are tracked so
// that each gets exactly one answer: the server's, or an error naming what failed; responses
// whose id is not outstanding (replays, duplicates) never reach the assistant.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { NoCredentialsError } from './auth-fetch';
import type { CredentialsState } from './credentials';
import { NO_CREDENTIALS, UPSTREAM_ERROR, describeFailure, errorResponse, upstreamFailureInfo } from './errors';
import type { Logger } from './log';
import type { StreamGuard } from './stream-guard';
import type { UpstreamSession } from './session';
import type { StatusReporter } from './status-reporter';
import type { Output } from './stdio';

/** SDK pitfall: the assistant's SDK client dispatches notifications a microtask after it handles
 * a response, so a progress notification read in the same chunk as its result is dropped.
 * Every message is written at once, in order; and the result of a request that got progress
 * is written so that it cannot share a read with that progress (see Output.write). Only
 * requests that asked for progress pay for it. */

export interface ForwarderOptions {
  profile: string;
  state: CredentialsState;
  upstream: UpstreamSession;
  guard: StreamGuard;
  status: StatusReporter;
  log: Logger;
  output: Output;
  /** Resolves to null once credentials are there, else to the reason there are none. */
  ready: () => Promise<string | null>;
}

type Request = Extract<JSONRPCMessage, { method: string; id: RequestId }>;

export class Forwarder {
  /** The assistant's requests awaiting an answer: id → method. */
  private readonly outstanding = new Map<RequestId, string>();
  /** Server→client requests awaiting the assistant's answer (replays of these are dropped). */
  private readonly serverRequests = new Set<RequestId>();
  /** Requests that asked for progress: progress token → request id and whether progress was written. */
  private readonly progress = new Map<unknown, { id: RequestId; sent: boolean }>();
  private readonly progressTokenOf = new Map<RequestId, unknown>();

  constructor(private readonly o: ForwarderOptions) {}

  fromAssistant(message: JSONRPCMessage): void {
    if ('method' in message) {
      if ('id' in message) {
        this.outstanding.set(message.id, message.method);
        this.o.status.request();
        const token = (message.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken;
        if (token !== undefined) {
          this.progress.set(token, { id: message.id, sent: false });
          this.progressTokenOf.set(message.id, token);
        }
      } else if (message.method === 'notifications/cancelled') {
        const cancelled = (message.params as { requestId?: RequestId } | undefined)?.requestId;
        if (cancelled !== undefined && this.outstanding.delete(cancelled)) {
          this.o.guard.forget(cancelled);
          this.progressDone(cancelled);
        }
      }
    } else if ('id' in message && message.id !== undefined) {
      this.serverRequests.delete(message.id);
    }
    if (this.o.state.current) this.send(message);
    else void this.sendWhenReady(message);
  }

  fromServer(message: JSONRPCMessage): void {
    if ('method' in message) {
      if ('id' in message) {
        if (this.serverRequests.has(message.id)) return this.drop('a repeated server request', message.id);
        this.serverRequests.add(message.id);
      } else if (message.method === 'notifications/progress') {
        // Progress for no outstanding request (cancelled or answered): the assistant's SDK would
        // report an unknown token.
        const entry = this.progress.get((message.params as { progressToken?: unknown } | undefined)?.progressToken);
        if (!entry) return this.o.log.debug('dropped progress for no outstanding request');
        entry.sent = true;
      }
      this.o.output.write(message);
      return;
    }
    if (!('id' in message) || message.id === undefined) return this.o.log.debug('dropped a response without id');
    const method = this.outstanding.get(message.id);
    if (method === undefined) return this.drop('a response to no outstanding request', message.id);
    this.outstanding.delete(message.id);
    if (method === 'initialize' && 'result' in message) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') this.o.upstream.setProtocolVersion(version);
    }
    this.o.status.ok();
    this.o.output.write(message, this.progressTokenOf.size > 0 && this.progressDone(message.id));
  }

  /** Forgets a request's progress token; returns whether progress was written for it. */
  private progressDone(id: RequestId): boolean {
    const token = this.progressTokenOf.get(id);
    if (token === undefined) return false;
    this.progressTokenOf.delete(id);
    const sent = this.progress.get(token)?.sent ?? false;
    this.progress.delete(token);
    return sent;
  }

  private drop(what: string, id: RequestId): void {
    this.o.log.debug(`dropped ${what} (id ${JSON.stringify(id)})`);
  }

  private send(message: JSONRPCMessage): void {
    this.o.upstream.send(message).catch((error: unknown) => this.failed(message, error));
  }

  private async sendWhenReady(message: JSONRPCMessage): Promise<void> {
    const problem = await this.o.ready();
    if (problem === null) return this.send(message);
    if ('method' in message && 'id' in message) this.answerError(message, NO_CREDENTIALS, problem, { profile: this.o.profile });
    else this.o.log.warn(`not forwarded (${'method' in message ? message.method : 'a response'}): ${problem}`);
  }

  private failed(message: JSONRPCMessage, error: unknown): void {
    if (error instanceof NoCredentialsError) {
      this.o.status.failure(null, error.message);
      if ('method' in message && 'id' in message) this.answerError(message, NO_CREDENTIALS, error.message, { profile: this.o.profile });
      return;
    }
    const info = upstreamFailureInfo(error);
    const endpoint = this.o.state.current?.endpoint ?? '(no endpoint)';
    const text = describeFailure(this.o.profile, endpoint, info);
    this.o.status.failure(info.status, info.detail || text);
    if ('method' in message && 'id' in message) this.answerError(message, UPSTREAM_ERROR, text, { profile: this.o.profile, status: info.status });
    else this.o.log.warn(text);
  }

  private answerError(request: Request, code: number, text: string, data: Record<string, unknown>): void {
    // Only if still outstanding: a cancelled request gets no answer.
    if (!this.outstanding.delete(request.id)) return;
    this.progressDone(request.id);
    this.o.log.warn(`${request.method} failed: ${text}`);
    this.o.output.write(errorResponse(request.id, code, text, data));
  }
}
