// The headless agent's flags: parsed with node:util parseArgs, then checked with zod.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AGENT_SOCKET_ENV } from '../../src-shared/agent-socket-path';

import { LOG_LEVELS, type LogLevel } from '../../src-shared/log-levels';
import type { CliResult as SharedCliResult } from '../../src-shared/cli-result';

export interface HeadlessOptions {
  profilesPath: string;
  /** From --socket or KEYBRIDGE_AGENT_SOCKET; null = the tray's per-user default. */
  socketPath: string | null;
  logLevel: LogLevel;
}

export type CliResult = SharedCliResult<HeadlessOptions>;

export const HELP = `Usage: keybridge-agent --profiles <file> [options]

KeyBridge's agent without the tray. It serves the agent socket that KeyBridge
bridges connect to, with the keys from a JSON file of profiles, and attaches the
key to each request to the profile's MCP endpoint: no bridge or other client of
the socket ever receives a key.

No approval prompts: like ssh-agent, every process running as the same user may
use every profile in the file. Run it only as the user the assistants run as.

Options:
  --profiles <file>    JSON file of profiles (required; see below)
  --socket <path>      socket to listen on (default: $${AGENT_SOCKET_ENV},
                       else the tray's default, ~/.keybridge/run/agent.sock)
  --log-level <level>  error | warn | info | debug (default: info)
                       logs go to stderr; keys never appear in them
  --version            print the version
  --help               print this help

The profiles file must be owned by you and readable by you only (chmod 600);
a symbolic link is refused (pass the real file). Its shape:

  {
    "profiles": {
      "uptime": { "endpoint": "https://mcp.uptimeobserver.com/mcp",
                  "auth": "x-api-key", "key": "uo_..." },
      "local":  { "endpoint": "http://127.0.0.1:8080/mcp",
                  "auth": "bearer", "key": "..." }
    },
    "network": { "proxy": "http://proxy:3128", "noProxy": "localhost",
                 "extraCaCerts": "/path/to/ca.pem" }
  }

  auth      "x-api-key" (X-API-Key header) or "bearer" (Authorization: Bearer)
  endpoint  https, or http only for this machine (localhost, 127.0.0.0/8, ::1)
  network   optional; applies to every profile (a relative extraCaCerts path
            is taken from the profiles file's folder)

Edits to the file apply within a second, without a restart: a changed key is
used from the next request; a removed profile's sessions get an error. An edit
that makes the file invalid is reported here, and the last valid profiles stay
in use.

Exit status: 0 after SIGTERM, SIGINT or SIGHUP; 1 if another agent already
answers on the socket or the socket cannot be taken; 2 for bad flags or an
unusable profiles file.
`;

const flagsSchema = z.object({
  profiles: z.string().trim().min(1, 'needs a file path').optional(),
  socket: z.string().trim().min(1, 'needs a socket path').optional(),
  'log-level': z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  version: z.boolean().optional(),
  help: z.boolean().optional(),
});

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliResult {
  let values: unknown;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        profiles: { type: 'string' },
        socket: { type: 'string' },
        'log-level': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error) };
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = issue?.path[0];
    return { kind: 'error', message: `${flag === undefined ? '' : `--${String(flag)}: `}${issue?.message ?? 'invalid flags'}` };
  }
  const flags = parsed.data;
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  if (!flags.profiles) return { kind: 'error', message: '--profiles <file> is required' };
  return {
    kind: 'run',
    options: {
      profilesPath: flags.profiles,
      socketPath: flags.socket ?? (env[AGENT_SOCKET_ENV]?.trim() || null),
      logLevel: flags['log-level'] ?? 'info',
    },
  };
}
