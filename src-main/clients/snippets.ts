// What a user can copy or click instead of letting KeyBridge edit the file: the exact JSON
// per client and the install links Cursor and VS Code understand.
import { bridgeEntry, entryNameFor, type BridgeEntry, type BridgeEntryOptions } from './bridge-entry';
import type { ClientSpec } from './registry';

export interface Snippet {
  entryName: string;
  entry: BridgeEntry;
  /** The config file's shape with just this entry, pretty-printed, ready to paste. */
  json: string;
}

export function snippet(spec: Pick<ClientSpec, 'serversKey' | 'typedEntries'>, profile: string, options: BridgeEntryOptions): Snippet {
  const entryName = entryNameFor(profile);
  const entry = bridgeEntry(profile, options, spec.typedEntries);
  return { entryName, entry, json: JSON.stringify({ [spec.serversKey]: { [entryName]: entry } }, null, 2) };
}

/** `cursor://anysphere.cursor-deeplink/mcp/install?name=…&config=<base64 of the entry JSON>`. */
export function cursorInstallLink(profile: string, options: BridgeEntryOptions): string {
  const name = entryNameFor(profile);
  const config = Buffer.from(JSON.stringify(bridgeEntry(profile, options, false)), 'utf8').toString('base64');
  return `cursor://anysphere.cursor-deeplink/mcp/install?name=${encodeURIComponent(name)}&config=${encodeURIComponent(config)}`;
}

/** `vscode:mcp/install?<url-encoded JSON of the entry with its name>` (or `vscode-insiders:`). */
export function vscodeInstallLink(profile: string, options: BridgeEntryOptions, insiders = false): string {
  const scheme = insiders ? 'vscode-insiders' : 'vscode';
  const body = { name: entryNameFor(profile), ...bridgeEntry(profile, options, true) };
  return `${scheme}:mcp/install?${encodeURIComponent(JSON.stringify(body))}`;
}
