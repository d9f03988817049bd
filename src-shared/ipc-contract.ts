// The one IPC contract between the settings window and main: channel names, argument and
// result schemas. Main parses every argument with these (one handle() wrapper); the preload
// exposes one named action per invoke channel and one subscription per event channel.
// No result ever carries a raw key: keys travel renderer → main only.
import { z } from 'zod';
import { profileNameSchema } from './agent-protocol';
import { authStyleSchema, networkSettingsSchema } from './endpoint';
import { LOG_LEVELS } from './log-levels';
import { addProfileInputSchema, endpointSchema, probeResultSchema, profileViewSchema } from './profile';
import { vendorIdSchema } from './vendors';

// ---- views -------------------------------------------------------------------------------

/** The global assistants, plus the workspace configs of project folders the user added. */
export const clientIdSchema = z.enum(['claude-desktop', 'cursor', 'vscode', 'vscode-insiders', 'windsurf', 'claude-code', 'cursor-project', 'vscode-project']);
export type ClientId = z.infer<typeof clientIdSchema>;

/** The project folder of a workspace config (cursor-project, vscode-project); absent otherwise. */
const projectDirSchema = z.string().min(1).max(4096);

export const clientViewSchema = z.object({
  id: clientIdSchema,
  /** The project folder, for the workspace configs; null for the global assistants. */
  projectDir: projectDirSchema.nullable(),
  label: z.string(),
  configPath: z.string(),
  /** not-present: the assistant's config folder is missing; changed: our entry was edited by someone else. */
  state: z.enum(['not-present', 'not-connected', 'connected', 'changed', 'error']),
  profiles: z.array(profileNameSchema),
  /** Plaintext keys found in this client's config (masked), to move into KeyBridge. */
  plaintextKeys: z.number().int().nonnegative(),
  /** KeyBridge's backups of the client's files that hold one of those plaintext keys. */
  plaintextBackups: z.number().int().nonnegative(),
  /** Why the main file cannot be used: its path and the reason. */
  error: z.string().nullable(),
  /** Problems of the client's other files or blocks (VS Code's settings.json, a project's servers). */
  problems: z.array(z.string()),
});
export type ClientView = z.infer<typeof clientViewSchema>;

export const snippetSchema = z.object({
  json: z.string(),
  /** cursor:// or vscode: install link, where the client has one: to show; main opens it
   * itself on clients:open-install-link. */
  deepLink: z.string().nullable(),
});
export type Snippet = z.infer<typeof snippetSchema>;

export const findingSchema = z.object({
  id: z.string(),
  client: clientIdSchema,
  projectDir: projectDirSchema.nullable(),
  /** The file the key is in (VS Code: mcp.json or settings.json). */
  configPath: z.string(),
  /** Null for the client's main servers; else `project /src/app` (Claude Code) or `settings.json`. */
  scope: z.string().nullable(),
  entryName: z.string(),
  where: z.string(),
  maskedKey: z.string(),
  vendor: vendorIdSchema,
  /** The MCP URL the profile would use: the entry's, else the vendor's default, else null. */
  endpoint: z.string().nullable(),
  /** Whether the entry names that URL itself; if not, the user can enter or change it. */
  endpointFromEntry: z.boolean(),
  /** What stops a move as it is (e.g. no MCP URL), else null. */
  problem: z.string().nullable(),
  /** A local server: the command it runs. Moving the key replaces it with the remote bridge. */
  local: z.string().nullable(),
  /** The local server can keep running with its key out of the file (VS Code's secret inputs). */
  keepLocalPossible: z.boolean(),
  /** The profile that already holds this very key (main compared fingerprints), else null. */
  existingProfile: z.nullable(profileNameSchema),
  /** KeyBridge's backups of the file that hold this key too. */
  backupsHoldingKey: z.number().int().nonnegative(),
  /** A name no profile has and no other key was offered. */
  suggestedProfile: profileNameSchema,
});
export type Finding = z.infer<typeof findingSchema>;

/** A file (or a block of one) the scan could not read: named, with the reason. */
export const scanErrorSchema = z.object({
  client: clientIdSchema,
  projectDir: projectDirSchema.nullable(),
  label: z.string(),
  configPath: z.string(),
  scope: z.string().nullable(),
  message: z.string(),
});
export type ScanError = z.infer<typeof scanErrorSchema>;

export const scanReportSchema = z.object({ findings: z.array(findingSchema), errors: z.array(scanErrorSchema) });
export type ScanReport = z.infer<typeof scanReportSchema>;

export const migrateInputSchema = z.object({
  findingId: z.string().max(200),
  /** move: a new profile; use-existing: the profile that holds the same key; keep-local: VS
   * Code only, the local server stays and VS Code keeps the key. */
  action: z.enum(['move', 'use-existing', 'keep-local']).default('move'),
  profile: z.optional(profileNameSchema),
  endpoint: endpointSchema.optional(),
  /** The user agreed to replace a local server with the bridge to the remote endpoint. */
  replaceLocal: z.boolean().default(false),
});
export type MigrateInput = z.input<typeof migrateInputSchema>;

export const migrateResultSchema = z.object({
  /** The profile the entries now use; null when the key went elsewhere (keep-local). */
  profile: profileViewSchema.nullable(),
  /** What happened, in words. */
  message: z.string(),
});
export type MigrateResult = z.infer<typeof migrateResultSchema>;

const clientTargetSchema = z.object({ client: clientIdSchema, projectDir: projectDirSchema.optional(), profile: profileNameSchema });

export const upstreamStateSchema = z.enum(['connecting', 'ok', 'failing']);
export type UpstreamState = z.infer<typeof upstreamStateSchema>;

export const lastErrorSchema = z.object({
  status: z.number().int().nullable(),
  message: z.string().max(2000),
  at: z.string(),
});
export type LastError = z.infer<typeof lastErrorSchema>;

export const sessionViewSchema = z.object({
  id: z.string(),
  profile: profileNameSchema,
  client: z.object({ name: z.string(), pid: z.number().int().nullable() }),
  since: z.string(),
  upstream: upstreamStateSchema,
  requests: z.number().int().nonnegative(),
  /** When the assistant last sent a request (absent before its first). */
  lastRequestAt: z.string().optional(),
  errors: z.number().int().nonnegative(),
  lastError: lastErrorSchema.nullable(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const activityEventSchema = z.object({
  at: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  profile: z.nullable(profileNameSchema),
  /** Already redacted by main. */
  message: z.string(),
});
export type ActivityEvent = z.infer<typeof activityEventSchema>;

export const decisionSchema = z.object({
  client: z.string(),
  profile: profileNameSchema,
  decision: z.enum(['allow', 'deny']),
  at: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const logLevelSchema = z.enum(LOG_LEVELS);

export const settingsSchema = z.object({
  launchAtLogin: z.boolean(),
  approvalPrompts: z.boolean(),
  allowWeakStorage: z.boolean(),
  network: networkSettingsSchema,
  logLevel: logLevelSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const storageStatusSchema = z.object({
  /** 'keychain' (OS-encrypted), 'weak' (allowed by the user), 'unavailable' (keys refused). */
  mode: z.enum(['keychain', 'weak', 'unavailable']),
  backend: z.string().nullable(),
  explanation: z.string(),
});
export type StorageStatus = z.infer<typeof storageStatusSchema>;

export const noticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  at: z.string(),
  /** What notices:act does for it: show-file reveals the file it is about (a store moved aside). */
  action: z.enum(['show-file']).nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const testConnectionResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), serverName: z.string(), serverVersion: z.string(), toolCount: z.number().int(), roundTripMs: z.number() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type TestConnectionResult = z.infer<typeof testConnectionResultSchema>;

/** What the paste button reports: main read the clipboard and keeps the key; the renderer sees this. */
export const pastedKeySchema = z.object({
  masked: z.string(),
  fingerprint: z.string(),
  detectedVendor: vendorIdSchema.nullable(),
  problem: z.string().nullable(),
});
export type PastedKey = z.infer<typeof pastedKeySchema>;

// ---- key input: typed by the user, or read from the clipboard by main ----------------------

export const keySourceSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('typed'), key: z.string().max(8192) }),
  /** Main reads the clipboard itself; `fingerprint` must match what paste reported. */
  z.object({ source: z.literal('clipboard'), fingerprint: z.string() }),
]);
export type KeySource = z.infer<typeof keySourceSchema>;

const addArgsSchema = addProfileInputSchema.omit({ key: true }).extend({ key: keySourceSchema });

// ---- invoke channels (renderer → main → result) --------------------------------------------
// The one place the window's API is written down. A channel is `<domain>:<action>`; the
// preload API (`window.keybridge.<domain>.<action>`), the app core's type and the handler
// table are all derived from these entries (src-shared/preload-api.ts, src-main/core/types.ts,
// src-main/ipc/handlers.ts): a new action is one entry here and one implementation in main.

const none = z.tuple([]);
const byName = z.tuple([profileNameSchema]);
/** An action that answers nothing but success. */
const ok = z.void();

export const invokeContract = {
  'profiles:list': { args: none, result: z.array(profileViewSchema) },
  'profiles:add': { args: z.tuple([addArgsSchema]), result: profileViewSchema },
  'profiles:update': {
    args: z.tuple([
      z.object({
        name: profileNameSchema,
        endpoint: endpointSchema.optional(),
        auth: authStyleSchema.optional(),
        note: z.string().max(500).optional(),
      }),
    ]),
    result: profileViewSchema,
  },
  /** A new name; the assistants' entries for the old one are rewritten to the new one. */
  'profiles:rename': { args: z.tuple([z.object({ name: profileNameSchema, newName: profileNameSchema })]), result: profileViewSchema },
  'profiles:verify': { args: byName, result: probeResultSchema },
  'profiles:verify-all': { args: none, result: z.array(z.object({ profile: profileNameSchema, result: probeResultSchema })) },
  'profiles:rotate': { args: z.tuple([z.object({ name: profileNameSchema, key: keySourceSchema })]), result: profileViewSchema },
  /** The key again, after it stopped decrypting or the vendor refused it: verified, then it
   * replaces the stored key (nothing old is kept, unlike a rotation). */
  'profiles:reenter': { args: z.tuple([z.object({ name: profileNameSchema, key: keySourceSchema })]), result: profileViewSchema },
  'profiles:rollback': { args: byName, result: profileViewSchema },
  'profiles:confirm-revoked': { args: byName, result: profileViewSchema },
  'profiles:set-paused': { args: z.tuple([z.object({ name: profileNameSchema, paused: z.boolean() })]), result: profileViewSchema },
  /** With `disconnectAssistants`, the assistants' entries for the key go first (a config that
   * cannot be written keeps the key). */
  'profiles:remove': { args: z.tuple([profileNameSchema, z.object({ disconnectAssistants: z.boolean() }).optional()]), result: ok },
  'profiles:test-connection': { args: byName, result: testConnectionResultSchema },
  'clipboard:paste-key': { args: none, result: pastedKeySchema },
  'clients:list': { args: none, result: z.array(clientViewSchema) },
  'clients:connect': { args: z.tuple([clientTargetSchema]), result: clientViewSchema },
  'clients:disconnect': { args: z.tuple([clientTargetSchema]), result: clientViewSchema },
  'clients:snippet': { args: z.tuple([clientTargetSchema]), result: snippetSchema },
  'clients:copy-snippet': { args: z.tuple([clientTargetSchema]), result: ok },
  /** Main builds the client's install link (cursor://, vscode:) for the profile and opens it;
   * the renderer never hands main a deep link to open (app:open-external refuses them). */
  'clients:open-install-link': { args: z.tuple([clientTargetSchema]), result: ok },
  /** A project folder whose workspace configs (.cursor/mcp.json, .vscode/mcp.json) KeyBridge
   * lists, scans and connects from now on; answers the new list of clients. */
  'clients:add-project': { args: z.tuple([z.object({ dir: projectDirSchema })]), result: z.array(clientViewSchema) },
  'clients:remove-project': { args: z.tuple([z.object({ dir: projectDirSchema })]), result: z.array(clientViewSchema) },
  'migration:scan': { args: none, result: scanReportSchema },
  'migration:migrate': { args: z.tuple([migrateInputSchema]), result: migrateResultSchema },
  'activity:sessions': { args: none, result: z.array(sessionViewSchema) },
  'activity:events': { args: none, result: z.array(activityEventSchema) },
  'settings:get': { args: none, result: settingsSchema },
  'settings:update': { args: z.tuple([settingsSchema.partial()]), result: settingsSchema },
  'settings:storage': { args: none, result: storageStatusSchema },
  'decisions:list': { args: none, result: z.array(decisionSchema) },
  'decisions:revoke': { args: z.tuple([z.object({ client: z.string().max(200), profile: profileNameSchema })]), result: ok },
  'notices:list': { args: none, result: z.array(noticeSchema) },
  'notices:dismiss': { args: z.tuple([z.string().max(200)]), result: ok },
  /** The notice's own action (its `action`), done by main: e.g. show the old file in the file manager. */
  'notices:act': { args: z.tuple([z.string().max(200)]), result: ok },
  'app:open-external': { args: z.tuple([z.string().max(2048)]), result: ok },
  /** Shows the app's log file in the file manager (Settings → Open logs). */
  'app:open-logs': { args: none, result: ok },
} as const satisfies Record<string, { args: z.ZodTuple; result: z.ZodType }>;

export type InvokeChannel = keyof typeof invokeContract;
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['args']>;
export type InvokeValue<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['result']>;

/** Every invoke answers with this envelope, so the renderer gets main's clear message, not
 * Electron's "Error invoking remote method…". */
export type InvokeResult<T> = { ok: true; value: T } | { ok: false; error: string };

// ---- event channels (main → renderer) --------------------------------------------------------

export const eventContract = {
  'profiles:changed': z.array(profileViewSchema),
  'clients:changed': z.array(clientViewSchema),
  'activity:sessions-changed': z.array(sessionViewSchema),
  'activity:event': activityEventSchema,
  'settings:changed': settingsSchema,
  'notices:changed': z.array(noticeSchema),
  /** The tray or a clicked notification asked the window to show a screen, and maybe a dialog
   * for a key (e.g. "Add key…", "Rotate <profile>…", "Re-enter key…"). */
  'app:navigate': z.object({
    screen: z.enum(['keys', 'clients', 'activity', 'settings']),
    action: z.enum(['add-key', 'rotate', 'reenter', 'connect']).nullable(),
    profile: z.nullable(profileNameSchema),
  }),
} as const satisfies Record<string, z.ZodType>;

export type EventChannel = keyof typeof eventContract;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventContract)[C]>;

export const INVOKE_CHANNELS = Object.keys(invokeContract) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventContract) as EventChannel[];

// ---- the nested names, derived: 'profiles:verify-all' is profiles.verifyAll ----------------

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
export type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
export type ActionOf<C extends string> = C extends `${string}:${infer A}` ? Camel<A> : never;
/** Every domain with at least one channel. */
export type Domain = DomainOf<InvokeChannel | EventChannel>;

/** The runtime twin of ActionOf: the nested name of a channel. */
export function splitChannel(channel: string): { domain: string; action: string } {
  const at = channel.indexOf(':');
  return { domain: channel.slice(0, at), action: channel.slice(at + 1).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) };
}
