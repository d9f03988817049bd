// The preload API, as the page sees it, and a helper that turns its result envelope into a
// value or a thrown Error with main's message.
import type { InvokeResult } from '../src-shared/ipc-contract';

export function api() {
  return window.keybridge;
}

export class MainError extends Error {}

export async function unwrap<T>(pending: Promise<InvokeResult<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new MainError(result.error);
  return result.value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Asks main to open a link in the browser; resolves main's refusal as a message, else null. */
export async function openLink(url: string): Promise<string | null> {
  const result = await api().app.openExternal(url);
  return result.ok ? null : result.error;
}
