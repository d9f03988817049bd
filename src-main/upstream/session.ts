// The upstream MCP session of one bridge: one SDK StreamableHTTPClientTransport at a time,
// with the auth fetch. Remembers what the assistant set up (initialize, initialized, log
// level, subscriptions) so that when the vendor forgets the session (404), the endpoint
// changes, or a bridge reconnects to a restarted agent, it re-initializes transparently.
//
// Order (docs/architecture.md, "SDK pitfalls"): the assistant's messages reach the server in
// the order it sent them. A message goes out only once the one before it is on its way: a
// notification or response once the server accepted it (202), a request once its POST
// started (requests are concurrent by nature; waiting for their headers would serialize
// them behind servers that send headers only with the first event).
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage, JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ResumeState } from '../../src-shared/agent-protocol';
import { SessionSetup } from '../../src-shared/session-setup';
import type { UpstreamLog } from './log';
import type { StreamGuard } from './stream-guard';

const INTERNAL_TIMEOUT_MS = 30_000;

export interface UpstreamSessionOptions {
  /** The profile's endpoint now (it may change with an edit or a rotation). */
  endpoint: () => string | null;
  fetch: FetchLike;
  guard: StreamGuard;
  log: UpstreamLog;
  /** Every message from the server, in arrival order, as soon as it arrives. */
  onMessage: (message: JSONRPCMessage) => void;
  /** How long a request of the session's own (re-initializing) may go unanswered; 30 s. */
  internalTimeoutMs?: number;
}

type Response = Extract<JSONRPCMessage, { id: RequestId }> & ({ result: unknown } | { error: unknown });
type Outcome = { error: unknown } | null;

export class UpstreamSession {
  private transport: StreamableHTTPClientTransport | null = null;
  private transportEndpoint: string | null = null;
  /** What the assistant set up, for setting up a new session the same way. */
  private readonly assistant = new SessionSetup();
  /** '' until the assistant's initialize is answered: the transport sends no version header for ''. */
  private protocolVersion = '';
  /** The one re-initialization under way (resume() comes before any message; reinitialize()
   * starts none while one runs), so its end clears this. */
  private reinitializing: Promise<void> | null = null;
  private readonly internal = new Map<RequestId, (response: Response) => void>();
  private internalSeq = 0;
  /** Resolves when the previous message is far enough on its way for the next to go. */
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly options: UpstreamSessionOptions) {}

  /** A bridge that reconnected after an agent restart: set up a new upstream session as the
   * assistant had, before anything else is sent. */
  resume(state: ResumeState): void {
    this.assistant.load(state);
    const setup = this.replaySetup(null).finally(() => {
      this.reinitializing = null;
    });
    this.reinitializing = setup;
    this.turn = setup.catch((error: unknown) => this.options.log.warn(`re-initializing after reconnect failed: ${String(error)}`));
  }

  /** What a bridge needs to resume this session elsewhere (null before initialize). */
  setup(): ResumeState | null {
    return this.assistant.resumeState();
  }


  /** Sends one message from the assistant, in order; resolves when the server has it (or with
   * the failure, never rejects). */
  send(message: JSONRPCMessage): Promise<Outcome> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.turn;
    this.turn = next;
    return previous.then(async () => {
      const sent = this.dispatch(message, release);
      try {
        await sent;
        return null;
      } catch (error) {
        return { error };
      } finally {
        release();
      }
    });
  }

  /** After the assistant's initialize succeeded: the version goes in every later request. */
  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.transport?.setProtocolVersion(version);
  }

  /** Ends the upstream session (HTTP DELETE) and closes the transport. */
  async close(): Promise<void> {
    const transport = this.transport;
    this.transport = null;
    if (!transport) return;
    try {
      // Sends nothing when the server gave no session.
      await transport.terminateSession();
    } catch (error) {
      this.options.log.debug(`upstream: DELETE failed (${String(error)})`);
    }
    await this.retire(transport);
  }

  /** `started`: called once the message is far enough on its way for the next one to go. */
  private async dispatch(message: JSONRPCMessage, started: () => void): Promise<void> {
    if (this.reinitializing) await this.reinitializing.catch(() => undefined);
    const isInitialize = (message as { method?: string }).method === 'initialize';
    this.assistant.note(message);
    let transport = this.current();
    const wanted = this.options.endpoint();
    if (wanted && this.transportEndpoint !== wanted) {
      // The profile's endpoint changed: a new session there.
      if (!isInitialize && transport.sessionId) await this.reinitialize(transport);
      else {
        this.transport = null;
        await this.retire(transport);
      }
      transport = this.current();
    }
    const hadSession = transport.sessionId !== undefined && !isInitialize;
    try {
      await this.sendOn(transport, message, started);
    } catch (error) {
      if (!(hadSession && error instanceof StreamableHTTPError && error.code === 404 && this.assistant.initialize)) throw error;
      this.options.log.info('upstream session expired (404); re-initializing');
      await this.reinitialize(transport);
      await this.sendOn(this.current(), message, started);
    }
  }

  private sendOn(transport: StreamableHTTPClientTransport, message: JSONRPCMessage, started: () => void): Promise<void> {
    if ('method' in message && 'id' in message) {
      const id = message.id;
      const sending = transport.send(message, { onresumptiontoken: (token) => this.options.guard.track(id, token) });
      // A request's POST is under way once send() has been called: the next message may go.
      // (Requests after it are concurrent in MCP; only their start order is kept.)
      if (message.method !== 'initialize') started();
      return sending;
    }
    if ((message as { method?: string }).method === 'notifications/initialized') this.openStandaloneStream(transport);
    return transport.send(message);
  }

  /** Opens the GET stream for messages sent outside any request, right as the server hears
   * `initialized` (a server that acts on initialized sends list_changed at once; with no GET
   * stream open it is lost). Never awaited: some servers and proxies send the GET's headers only
   * with its first event, and initialized must not wait for them. The transport's own GET
   * after the 202 is then answered "no stream" by the guard. */
  private openStandaloneStream(transport: StreamableHTTPClientTransport): void {
    this.options.guard.ownStandaloneStream();
    transport.resumeStream('').catch((error: unknown) => {
      this.options.log.debug(`upstream: GET stream not opened (${String(error)})`);
    });
  }

  private current(): StreamableHTTPClientTransport {
    if (this.transport) return this.transport;
    const endpoint = this.options.endpoint();
    // No credentials: the auth fetch refuses with the reason before any network traffic.
    const transport = new StreamableHTTPClientTransport(new URL(endpoint ?? 'http://127.0.0.1/'), { fetch: this.options.fetch });
    transport.onmessage = (message) => this.fromServer(message);
    transport.onerror = (error) => this.options.log.debug(`upstream: ${error.message}`);
    transport.setProtocolVersion(this.protocolVersion);
    // start() only arms the transport's AbortController; it cannot fail or wait.
    void transport.start();
    this.transport = transport;
    this.transportEndpoint = endpoint;
    return transport;
  }

  private fromServer(message: JSONRPCMessage): void {
    if (!('method' in message) && message.id !== undefined) {
      this.options.guard.finish(message.id);
      const waiter = this.internal.get(message.id);
      if (waiter) {
        this.internal.delete(message.id);
        waiter(message as Response);
        return;
      }
    }
    this.options.onMessage(message);
  }

  private async retire(transport: StreamableHTTPClientTransport): Promise<void> {
    transport.onmessage = undefined;
    transport.onerror = undefined;
    await transport.close().catch(() => undefined);
  }

  private async reinitialize(failed: StreamableHTTPClientTransport): Promise<void> {
    if (this.transport === failed && !this.reinitializing) {
      const setup = this.replaySetup(failed).finally(() => {
        this.reinitializing = null;
      });
      this.reinitializing = setup;
    }
    // null: the session that failed was already replaced.
    await this.reinitializing;
  }

  /** Replays the assistant's initialize (+ initialized, log level, subscriptions) on a new session. */
  private async replaySetup(failed: StreamableHTTPClientTransport | null): Promise<void> {
    this.transport = null;
    if (failed) await this.retire(failed);
    const transport = this.current();
    const init = this.assistant.initialize;
    if (!init) return;
    const answer = await this.internalRequest(transport, init as JSONRPCRequest);
    if ('error' in answer) throw new StreamableHTTPError(undefined, `re-initialize failed: ${JSON.stringify(answer.error)}`);
    const version = (answer.result as { protocolVersion?: unknown }).protocolVersion;
    if (typeof version === 'string') this.setProtocolVersion(version);
    // Nothing waits for the replay's turn: the whole replay is one.
    if (this.assistant.initialized) await this.sendOn(transport, { jsonrpc: '2.0', method: 'notifications/initialized' }, () => undefined);
    const logLevel = this.assistant.logLevel;
    if (logLevel) await this.internalRequest(transport, logLevel as JSONRPCRequest);
    for (const uri of this.assistant.subscriptions) {
      await this.internalRequest(transport, { jsonrpc: '2.0', id: 0, method: 'resources/subscribe', params: { uri } });
    }
  }

  private internalRequest(transport: StreamableHTTPClientTransport, request: JSONRPCRequest): Promise<Response> {
    const id = `keybridge-internal-${++this.internalSeq}`;
    const timeoutMs = this.options.internalTimeoutMs ?? INTERNAL_TIMEOUT_MS;
    return new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.internal.delete(id);
        reject(new StreamableHTTPError(undefined, `no answer to ${request.method} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.internal.set(id, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      transport.send({ ...request, id }).catch((error: unknown) => {
        clearTimeout(timer);
        this.internal.delete(id);
        reject(error);
      });
    });
  }
}
