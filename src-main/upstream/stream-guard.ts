// Decides which GET streams the SDK transport may open (two SDK 1.32.2 pitfalls).
//
// 1. After an *error* response on a POST's SSE stream the client transport
// still treats the stream as unanswered and reconnects it with GET + Last-Event-ID; a resumable
// server then replays into a fresh stream (duplicates, unknown ids). The guard remembers the
// last event id of each request's stream and, once the request is answered, refuses a GET
// that tries to resume from it. Legitimate resumptions (unanswered requests, the GET stream)
// are let through.
//
// 2. The transport opens the GET stream only after the 202 to notifications/initialized, but a
// server acts on initialized before answering 202 (e.g. registers tools and sends
// tools/list_changed), and messages sent with no GET stream open are lost. So the session
// starts the GET stream itself as it sends initialized (without waiting for it), and the
// transport's own later attempt is answered here as "no stream" (405), which it takes quietly.
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

// Enough to outlast the transport's reconnect delay (1 s or the server's retry) at any request rate seen.
const FINISHED_MEMORY = 4096;

export class StreamGuard {
  private readonly lastToken = new Map<RequestId, string>();
  private readonly finished = new Set<string>();
  /** `ours`: the session is opening the GET stream itself (the next plain GET is its own);
   * `theirs`: it did, so the transport's own attempt after the 202 is refused. */
  private plainGet: 'any' | 'ours' | 'theirs' = 'any';

  /** The session opens the GET stream itself now: let that one through, refuse the transport's next. */
  ownStandaloneStream(): void {
    this.plainGet = 'ours';
  }

  /** The SSE event id just received on the stream of request `id`. */
  track(id: RequestId, token: string): void {
    this.lastToken.set(id, token);
  }

  /** Request `id` got its response: its stream must not be resumed. */
  finish(id: RequestId): void {
    const token = this.lastToken.get(id);
    if (token === undefined) return;
    this.lastToken.delete(id);
    this.finished.add(token);
    if (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.values().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
  }

  /** Forgets a request without a response (cancelled). */
  forget(id: RequestId): void {
    this.lastToken.delete(id);
  }

  /** Whether a GET (with this Last-Event-ID, or null) may go upstream. */
  allowsGet(lastEventId: string | null): boolean {
    if (lastEventId) return !this.finished.has(lastEventId);
    if (this.plainGet === 'ours') {
      this.plainGet = 'theirs';
      return true;
    }
    if (this.plainGet === 'any') return true;
    this.plainGet = 'any';
    return false;
  }
}
