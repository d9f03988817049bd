// Native notifications and the approval dialog.
import type { Dialog, Notification as NotificationType, NotificationConstructorOptions } from 'electron';
import type { Notification } from '../app-core';
import type { AccessRequest, ApprovalAnswer } from '../core/approval';

export const APPROVAL_BUTTONS = ['Allow once', 'Always allow', 'Deny'] as const;
const ANSWERS: readonly ApprovalAnswer[] = ['allow-once', 'always', 'deny'];

export interface NotificationModule {
  new (options: NotificationConstructorOptions): NotificationType;
  isSupported(): boolean;
}

export function notifier(NotificationClass: NotificationModule, iconPath: string, onClick: () => void): (notification: Notification) => void {
  return ({ title, body }) => {
    if (!NotificationClass.isSupported()) return;
    const shown = new NotificationClass({ title, body, icon: iconPath });
    shown.on('click', onClick);
    shown.show();
  };
}

/** Asks whether a client app may use a profile; Esc or closing the dialog denies. */
export function approvalDialog(dialog: Pick<Dialog, 'showMessageBox'>): (request: AccessRequest) => Promise<ApprovalAnswer> {
  return async ({ client, profile }) => {
    const { response } = await dialog.showMessageBox({
      type: 'question',
      title: 'KeyBridge',
      message: `${client} wants to use the key '${profile}'.`,
      detail:
        'KeyBridge will give the key to the bridge this app started. "Always allow" remembers your answer; you can revoke it in Settings → Approvals.',
      buttons: [...APPROVAL_BUTTONS],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
    });
    return ANSWERS[response] ?? 'deny';
  };
}
