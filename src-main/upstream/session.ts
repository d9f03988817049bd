// The upstream MCP session: one SDK StreamableHTTPClientTransport at a time, with the auth
// fetch. Remembers what the assistant set up (initialize, initialized, log level,
// subscriptions) so that when the vendor forgets the session (404) or the endpoint changes,
// it re-initializes transparently and sends the failed message again, once.
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage, JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CredentialsState } from './credentials';
import type { Logger } from './log';
import type { StreamGuard } from './stream-guard';

const INTERNAL_TIMEOUT_MS = 30_000;

export interface UpstreamSessionOptions {
  state: CredentialsState;
  fetch: FetchLike;
  guard: StreamGuard;
  log: Logger;
  /** Every message from the server, in arrival order, as soon as it arrives. */
  onMessage: (message: JSONRPCMessage) => void;
}

type Response = Extract<JSONRPCMessage, { id: RequestId }> & ({ result: unknown } | { error: unknown });

export class UpstreamSession {
  private transport: StreamableHTTPClientTransport | null = null;
  private endpoint: string | null = null;
  private initializeRequest: JSONRPCRequest | null = null;
  private initialized = false;
  private protocolVersion: string | null = null;
  private logLevelRequest: JSONRPCRequest | null = null;
  private readonly subscriptions = new Set<string>();
  private reinitializing: Promise<void> | null = null;
  private readonly internal = new Map<RequestId, (response: Response) => void>();
  private internalSeq = 0;

  constructor(private readonly options: UpstreamSessionOptions) {}

  /** Sends one message from the assistant; rejects with the transport's error if it fails. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.reinitializing) await this.reinitializing.catch(() => undefined);
    const isInitialize = 'method' in message && message.method === 'initialize';
    if ('method' in message) this.remember(message);
    let transport = this.current();
    const wanted = this.options.state.current?.endpoint;
    if (wanted && this.endpoint !== wanted) {
      // The profile's endpoint changed (rotation to another URL): a new session there.
      if (!isInitialize && this.initializeRequest && transport.sessionId) await this.reinitialize(transport);
      else {
        this.transport = null;
        await this.retire(transport);
      }
      transport = this.current();
    }
    const hadSession = transport.sessionId !== undefined && !isInitialize;
    try {
      await this.sendOn(transport, message);
    } catch (error) {
      if (!(hadSession && error instanceof StreamableHTTPError && error.code === 404 && this.initializeRequest)) throw error;
      this.options.log.info('upstream session expired (404); re-initializing');
      await this.reinitialize(transport);
      await this.sendOn(this.current(), message);
    }
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
      if (transport.sessionId && this.options.state.current) await transport.terminateSession();
    } catch (error) {
      this.options.log.debug(`upstream: DELETE failed (${String(error)})`);
    }
    await this.retire(transport);
  }

  private remember(message: Extract<JSONRPCMessage, { method: string }>): void {
    switch (message.method) {
      case 'initialize':
        if ('id' in message) this.initializeRequest = message;
        this.initialized = false;
        break;
      case 'notifications/initialized':
        this.initialized = true;
        break;
      case 'logging/setLevel':
        if ('id' in message) this.logLevelRequest = message;
        break;
      case 'resources/subscribe':
      case 'resources/unsubscribe': {
        const uri = (message.params as { uri?: unknown } | undefined)?.uri;
        if (typeof uri === 'string') {
          if (message.method === 'resources/subscribe') this.subscriptions.add(uri);
          else this.subscriptions.delete(uri);
        }
        break;
      }
    }
  }

  private async sendOn(transport: StreamableHTTPClientTransport, message: JSONRPCMessage): Promise<void> {
    if ('method' in message) {
      if ('id' in message) {
        const id = message.id;
        return transport.send(message, { onresumptiontoken: (token) => this.options.guard.track(id, token) });
      }
      if (message.method === 'notifications/initialized') await this.openStandaloneStream(transport);
    }
    return transport.send(message);
  }

  /** Opens the GET stream for server-initiated messages before the server hears `initialized`
   * (see stream-guard.ts). An empty resumption token means a plain GET. */
  private async openStandaloneStream(transport: StreamableHTTPClientTransport): Promise<void> {
    try {
      await transport.resumeStream('');
      this.options.guard.ownStandaloneStream();
    } catch (error) {
      // Leave it to the transport's own attempt after initialized.
      this.options.log.debug(`upstream: GET stream not opened early (${String(error)})`);
    }
  }

  private current(): StreamableHTTPClientTransport {
    if (this.transport) return this.transport;
    const endpoint = this.options.state.current?.endpoint;
    // No credentials: the auth fetch refuses with the reason before any network traffic.
    const transport = new StreamableHTTPClientTransport(new URL(endpoint ?? 'http://127.0.0.1/'), { fetch: this.options.fetch });
    transport.onmessage = (message) => this.fromServer(message);
    transport.onerror = (error) => this.options.log.debug(`upstream: ${error.message}`);
    if (this.protocolVersion) transport.setProtocolVersion(this.protocolVersion);
    // start() only arms the transport's AbortController; it cannot fail or wait.
    void transport.start();
    this.transport = transport;
    this.endpoint = endpoint ?? null;
    return transport;
  }

  private fromServer(message: JSONRPCMessage): void {
    if (!('method' in message) && 'id' in message && message.id !== undefined) {
      this.options.guard.finish(message.id);
      if (this.internal.size > 0) {
        const waiter = this.internal.get(message.id);
        if (waiter) {
          this.internal.delete(message.id);
          waiter(message as Response);
          return;
        }
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
      this.reinitializing = this.replaySetup(failed).finally(() => {
        this.reinitializing = null;
      });
    }
    if (this.reinitializing) await this.reinitializing;
  }

  /** Replays the assistant's initialize (+ initialized, log level, subscriptions) on a new session. */
  private async replaySetup(failed: StreamableHTTPClientTransport): Promise<void> {
    this.transport = null;
    await this.retire(failed);
    const transport = this.current();
    const init = this.initializeRequest!;
    const answer = await this.internalRequest(transport, init);
    if ('error' in answer) throw new StreamableHTTPError(undefined, `re-initialize failed: ${JSON.stringify(answer.error)}`);
    const version = (answer.result as { protocolVersion?: unknown }).protocolVersion;
    if (typeof version === 'string') this.setProtocolVersion(version);
    if (this.initialized) await this.sendOn(transport, { jsonrpc: '2.0', method: 'notifications/initialized' });
    if (this.logLevelRequest) await this.internalRequest(transport, this.logLevelRequest);
    for (const uri of this.subscriptions) {
      await this.internalRequest(transport, { jsonrpc: '2.0', id: 0, method: 'resources/subscribe', params: { uri } });
    }
  }

  private internalRequest(transport: StreamableHTTPClientTransport, request: JSONRPCRequest): Promise<Response> {
    const id = `keybridge-internal-${++this.internalSeq}`;
    return new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.internal.delete(id);
        reject(new StreamableHTTPError(undefined, `no answer to ${request.method} within ${INTERNAL_TIMEOUT_MS / 1000} s`));
      }, INTERNAL_TIMEOUT_MS);
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
