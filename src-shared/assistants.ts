// The assistants as a person names them, and what each needs after KeyBridge wrote its
// entry: some load a changed MCP config by themselves, others need a restart or a reload.
// Shared by the window (Connect, Keys cards, Activity) and the tray's notifications.
import type { ClientId } from './ipc-contract';

/** The assistant family of a config: a project's Cursor config is Cursor's. */
export type AssistantFamily = 'Claude Desktop' | 'Claude Code' | 'Cursor' | 'VS Code' | 'VS Code Insiders' | 'Windsurf';

const FAMILY: Record<ClientId, AssistantFamily> = {
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  'cursor-project': 'Cursor',
  vscode: 'VS Code',
  'vscode-project': 'VS Code',
  'vscode-insiders': 'VS Code Insiders',
  windsurf: 'Windsurf',
};

export function assistantFamily(client: ClientId): AssistantFamily {
  return FAMILY[client];
}

/** The names assistants give themselves in MCP's `initialize` (clientInfo.name), as people know them. */
const CLIENT_INFO_NAMES: Record<string, AssistantFamily> = {
  'claude-ai': 'Claude Desktop',
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  'cursor-vscode': 'Cursor',
  cursor: 'Cursor',
  'visual studio code': 'VS Code',
  'visual studio code - insiders': 'VS Code Insiders',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
  'windsurf-client': 'Windsurf',
};

/** "Claude Desktop" for `claude-ai`; a name already friendly (from the OS) stays as it is. */
export function assistantName(name: string): string {
  return CLIENT_INFO_NAMES[name.trim().toLowerCase()] ?? name;
}

export interface NextStep {
  /** automatic: it loads the changed config itself; reload: one click in the assistant; restart: quit and reopen. */
  kind: 'automatic' | 'reload' | 'restart';
  /** One sentence for the user. */
  text: string;
}

/** What the user does after KeyBridge wrote (or removed) an assistant's entry. */
export function nextStepAfterConnect(client: ClientId): NextStep {
  switch (FAMILY[client]) {
    case 'Claude Desktop':
      return { kind: 'restart', text: 'Restart Claude Desktop to load KeyBridge (quit it from its menu, then open it again).' };
    case 'Claude Code':
      return { kind: 'restart', text: 'Start a new Claude Code session to load KeyBridge (sessions already open keep their servers).' };
    case 'Windsurf':
      return { kind: 'reload', text: "Open Windsurf's MCP servers panel and press Refresh to load KeyBridge." };
    case 'Cursor':
      return { kind: 'automatic', text: 'Cursor loads it by itself; check it is turned on in Cursor Settings → MCP.' };
    case 'VS Code':
    case 'VS Code Insiders':
      return { kind: 'automatic', text: `${FAMILY[client]} loads it by itself; start it from the MCP servers list when asked.` };
  }
}
