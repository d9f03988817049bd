// Command-line flags: parsed with node:util parseArgs, then checked with zod.
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { AGENT_SOCKET_ENV } from '../src-shared/agent-socket-path';
import { profileNameSchema } from '../src-shared/agent-protocol';

import { LOG_LEVELS, type LogLevel } from '../src-shared/log-levels';
import type { CliResult as SharedCliResult } from '../src-shared/cli-result';

export interface BridgeOptions {
  profile: string;
  /** From --agent or KEYBRIDGE_AGENT_SOCKET; null = the per-user default. */
  agentSocket: string | null;
  logLevel: LogLevel;
}

export type CliResult = SharedCliResult<BridgeOptions>;

export const HELP = `Usage: keybridge-bridge --profile <name> [options]

The KeyBridge stdio MCP bridge. An assistant launches it; it passes MCP between the
assistant and KeyBridge, which talks to the profile's remote endpoint with the key.
The bridge never holds the key.

Options:
  --profile <name>     KeyBridge profile to use (required)
  --agent <socket>     agent socket path (default: $${AGENT_SOCKET_ENV} or the per-user default)
  --log-level <level>  error | warn | info | debug (default: warn); logs go to stderr
  --version            print the version
  --help               print this help
`;

const flagsSchema = z.object({
  profile: z.optional(profileNameSchema),
  agent: z.optional(z.string().check(z.trim(), z.minLength(1, 'needs a socket path'))),
  'log-level': z.optional(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })),
  version: z.optional(z.boolean()),
  help: z.optional(z.boolean()),
});

/** Chromium switches an AppImage's AppRun may put before our arguments on hosts without
 * unprivileged user namespaces; they mean nothing to the bridge. */
const HOST_SWITCHES = new Set(['--no-sandbox']);

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliResult {
  let values: unknown;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => !HOST_SWITCHES.has(arg)),
      options: {
        profile: { type: 'string' },
        agent: { type: 'string' },
        'log-level': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    // Each flag is checked on its own (unknown ones parseArgs refused): an issue names its flag.
    const issue = parsed.error.issues[0]!;
    return { kind: 'error', message: `--${String(issue.path[0])}: ${issue.message}` };
  }
  const flags = parsed.data;
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  if (!flags.profile) return { kind: 'error', message: '--profile <name> is required' };
  return {
    kind: 'run',
    options: {
      profile: flags.profile,
      agentSocket: flags.agent ?? env[AGENT_SOCKET_ENV]?.trim() ?? null,
      logLevel: flags['log-level'] ?? 'warn',
    },
  };
}
