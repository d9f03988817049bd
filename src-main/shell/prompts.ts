// Native notifications and the approval dialog.
import type { BrowserWindow, Dialog, MessageBoxOptions, Notification as NotificationType, NotificationConstructorOptions } from 'electron';
import type { Notification } from '../app/create-app';
import type { AccessRequest, ApprovalAnswer } from '../app/approval';

/** The last button is the one Esc and closing the dialog choose: not now, not remembered. */
export const APPROVAL_BUTTONS = ['Allow once', 'Always allow', 'Deny', 'Not now'] as const;
export const UNVERIFIED_BUTTONS = ['Allow once', 'Deny', 'Not now'] as const;

export interface NotificationModule {
  new (options: NotificationConstructorOptions): NotificationType;
  isSupported(): boolean;
}

export function notifier(NotificationClass: NotificationModule, iconPath: string, onClick: (open: Notification['open']) => void): (notification: Notification) => void {
  return ({ title, body, open }) => {
    if (!NotificationClass.isSupported()) return;
    const shown = new NotificationClass({ title, body, icon: iconPath });
    shown.on('click', () => onClick(open));
    shown.show();
  };
}

/** The prompt's text: the friendly name, the verified path and the pid each on one line, and
 * what the client calls itself (already cut to one printable line by the agent). */
export function approvalText({ client, profile }: AccessRequest): Pick<MessageBoxOptions, 'message' | 'detail'> {
  const lines = client.verified
    ? [`App: ${client.name}`, `Path: ${client.exe ?? 'unknown'}`, `Process: ${client.pid ?? 'unknown'}`]
    : ['Unverified: the system did not say which app is asking, so this can be allowed once only.'];
  if (client.claimedName) lines.push(`Calls itself: ${client.claimedName}`);
  lines.push('', 'KeyBridge uses the key on the app’s behalf; the app never receives it. "Always allow" remembers your answer; you can revoke it in Settings → Approvals.');
  return { message: `${client.name} wants to use the key '${profile}'.`, detail: lines.join('\n') };
}

/** Asks whether an assistant may use a profile; Esc or closing the dialog denies this time only. */
export function approvalDialog(
  dialog: Pick<Dialog, 'showMessageBox'>,
  parent: () => BrowserWindow | null = () => null,
): (request: AccessRequest) => Promise<ApprovalAnswer> {
  return async (request) => {
    const buttons = request.client.verified ? APPROVAL_BUTTONS : UNVERIFIED_BUTTONS;
    const answers: readonly ApprovalAnswer[] = request.client.verified ? ['allow-once', 'always', 'deny', 'dismiss'] : ['allow-once', 'deny', 'dismiss'];
    const options: MessageBoxOptions = {
      type: 'question',
      title: 'KeyBridge',
      ...approvalText(request),
      buttons: [...buttons],
      defaultId: 0,
      cancelId: buttons.length - 1,
      noLink: true,
    };
    const window = parent();
    const { response } = await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
    return answers[response] ?? 'dismiss';
  };
}
