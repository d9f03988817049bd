// The window's security policy in one place: the origin our content comes from, the CSP it is
// served with (the page also carries it as a meta tag), and which senders IPC trusts.
import type { App, IpcMainInvokeEvent, WebContents } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'keybridge';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Only our own bundled scripts and styles; no network, no frames, no plugins, no forms. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** An IPC request is ours only if it comes from our window's main frame, showing our page. */
export function isTrustedSender(event: IpcMainInvokeEvent, window: { webContents: WebContents } | null): boolean {
  if (!window) return false;
  const frame = event.senderFrame;
  if (!frame || event.sender !== window.webContents) return false;
  const main = window.webContents.mainFrame;
  // The same frame: Electron hands out one WebFrameMain per frame, and its token is unique.
  const sameFrame = frame === main || (frame.processId === main.processId && frame.frameToken === main.frameToken);
  return sameFrame && isAppUrl(frame.url);
}

/**
 * The Electron security checklist's app-wide guard: every web contents the app ever gets (the
 * window, and anything else — a webview guest, devtools, a window that slipped through) may not
 * navigate, open windows or attach webviews. The settings window adds its own handlers on top
 * (links on the allow-list open in the browser); everything else is simply denied. Registered
 * before `ready`, so no web contents is created unguarded.
 */
export function guardAllWebContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (details) => details.preventDefault());
    contents.on('will-redirect', (details) => details.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
