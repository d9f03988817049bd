// Splits a text stream into lines with a bound on line length, for the agent socket and the
// bridge's stdin. A line over the bound is reported once and its remainder discarded, so a
// hostile peer cannot make either side buffer without limit.

export interface LineSplitterOptions {
  maxLength: number;
  onLine: (line: string) => void;
  onOverflow: () => void;
}

export interface LineSplitter {
  push(chunk: string): void;
  /** Whatever is left without a newline at end of stream; returns it (or '' if none). */
  end(): string;
}

export function createLineSplitter({ maxLength, onLine, onOverflow }: LineSplitterOptions): LineSplitter {
  let pending = '';
  let discarding = false;
  return {
    push(chunk) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl === -1) {
          if (!discarding) {
            pending += chunk.slice(start);
            if (pending.length > maxLength) {
              pending = '';
              discarding = true;
              onOverflow();
            }
          }
          return;
        }
        if (discarding) {
          discarding = false;
        } else {
          const line = pending + chunk.slice(start, nl);
          pending = '';
          if (line.length > maxLength) onOverflow();
          else onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
        }
        start = nl + 1;
      }
    },
    end() {
      const rest = discarding ? '' : pending;
      pending = '';
      discarding = false;
      return rest;
    },
  };
}
