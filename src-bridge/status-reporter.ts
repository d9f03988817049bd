// Counts requests and failures and reports them to the agent in `status` frames: when the
// state changes, at most once a second.
import type { LastError, StatusFrame, UpstreamState } from '../src-shared/agent-protocol';

const MIN_INTERVAL_MS = 1000;

export class StatusReporter {
  private upstream: UpstreamState = 'connecting';
  private requests = 0;
  private errors = 0;
  private lastError: LastError | null = null;
  private lastSentAt = 0;
  private dirty = true;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly profile: string,
    private readonly send: (frame: StatusFrame) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  request(): void {
    this.requests++;
    this.changed();
  }

  ok(): void {
    if (this.upstream === 'ok') return;
    this.upstream = 'ok';
    this.changed();
  }

  failure(status: number | null, message: string): void {
    this.errors++;
    this.upstream = 'failing';
    this.lastError = { status, message: message.slice(0, 2000), at: new Date(this.now()).toISOString() };
    this.changed();
  }

  /** Sends the current state now (e.g. after reconnecting to the agent), throttle permitting. */
  resend(): void {
    this.dirty = true;
    this.changed();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = this.lastSentAt + MIN_INTERVAL_MS - this.now();
    if (wait <= 0) this.flush();
    else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, wait);
      this.timer.unref();
    }
  }

  private flush(): void {
    if (!this.dirty) return;
    const sent = this.send({
      type: 'status',
      profile: this.profile,
      upstream: this.upstream,
      requests: this.requests,
      errors: this.errors,
      lastError: this.lastError,
    });
    // Not connected: keep it dirty; the reconnect calls resend().
    if (sent) {
      this.dirty = false;
      this.lastSentAt = this.now();
    }
  }
}
