// Turns an upstream HTTP failure into the sentence the user sees: in the bridge's JSON-RPC
// errors (read in the assistant's chat: they say it comes from KeyBridge and where to fix it)
// and in the app's own verify and test results (read inside KeyBridge: no "KeyBridge:" there).

/** The vendor's words from an error body: `{"error": msg}` parsed as JSON whatever the
 * Content-Type (UptimeMonitoring sends its 401 JSON as text/plain), else the trimmed text. */
export function vendorMessage(body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') {
        const { error, message } = parsed as { error?: unknown; message?: unknown };
        const nested = error && typeof error === 'object' ? (error as { message?: unknown }).message : undefined;
        for (const candidate of [error, nested, message]) {
          if (typeof candidate === 'string' && candidate.trim()) return oneLine(candidate);
        }
      }
    } catch {
      // not JSON after all: fall through to the text
    }
  }
  return oneLine(text);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
}

export interface UpstreamFailure {
  profile: string;
  endpoint: string;
  /** HTTP status, or null when no response came (refused, timeout, DNS, TLS). */
  status: number | null;
  /** The vendor's words (see vendorMessage) or the network error's description. */
  detail: string;
  /** assistant (default): a JSON-RPC error in the assistant's chat; app: shown inside KeyBridge. */
  audience?: 'assistant' | 'app';
}

/** The host of an MCP URL, as the app names the vendor's server. */
function hostOf(endpoint: string): string {
  const match = /^[a-z]+:\/\/([^/?#]+)/i.exec(endpoint);
  return match?.[1] ?? endpoint;
}

/** The message shown to the user, naming the profile, the status, the vendor's words and the fix. */
export function describeUpstreamFailure({ profile, endpoint, status, detail, audience = 'assistant' }: UpstreamFailure): string {
  const words = detail ? ` ${detail}` : '';
  if (audience === 'app') {
    const host = hostOf(endpoint);
    if (status === 401 || status === 403) return `${host} rejected the key (${status}${words}).`;
    if (status === null) return `Could not reach ${host} (${detail || 'no response'}).`;
    if (status >= 500) return `${host} has a problem (${status}${words}); try again shortly.`;
    return `${host} answered ${status}${words}.`;
  }
  if (status === 401 || status === 403) {
    return `KeyBridge: the vendor rejected the key for '${profile}' (${status}${words}). Rotate or re-enter it in KeyBridge.`;
  }
  if (status === null) {
    return `KeyBridge: could not reach ${endpoint} for '${profile}' (${detail || 'no response'}). Check your network or proxy settings in KeyBridge.`;
  }
  if (status >= 500) {
    return `KeyBridge: ${endpoint} failed for '${profile}' (${status}${words}). The vendor's server has a problem; try again shortly.`;
  }
  return `KeyBridge: ${endpoint} answered ${status}${words} for '${profile}'.`;
}
