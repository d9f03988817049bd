// A name a person recognises for the program behind a connection ("Claude Desktop", "Cursor"),
// from its executable path as the OS reports it (see peer-identity.ts). The command line is a
// hint for programs run by an interpreter (Claude Code is often `node …/cli.js`); it is
// written by the process itself, so these names are for display, never for access decisions.

interface KnownApp {
  name: string;
  /** `path`: the executable, lower-cased, '/' separators; `file`: its last part; `args`: argv, likewise. */
  matches(path: string, file: string, args: string[]): boolean;
}

const CLAUDE_CODE_INSTALL = ['/.local/share/claude/', '/.claude/local/', '/@anthropic-ai/claude-code/'];

/** First match wins: Claude Desktop's folders before the `claude` binary of Claude Code. */
const KNOWN_APPS: KnownApp[] = [
  {
    name: 'Claude Desktop',
    matches: (path, _file, args) =>
      path.includes('/claude.app/') || path.includes('/anthropicclaude/') || path.includes('claude-desktop') || args.slice(0, 2).some((arg) => arg.includes('claude-desktop')),
  },
  { name: 'Cursor', matches: (path, file) => path.includes('/cursor.app/') || file === 'cursor' || file === 'cursor.exe' },
  {
    name: 'VS Code Insiders',
    matches: (path, file) => path.includes('/visual studio code - insiders.app/') || path.includes('/code - insiders.app/') || file === 'code-insiders' || file === 'code - insiders.exe',
  },
  {
    name: 'VS Code',
    matches: (path, file) => path.includes('/visual studio code.app/') || path.includes('/code.app/') || file === 'code' || file === 'code.exe',
  },
  { name: 'Windsurf', matches: (path, file) => path.includes('/windsurf.app/') || file === 'windsurf' || file === 'windsurf.exe' },
  {
    name: 'Claude Code',
    matches: (path, file, args) =>
      file === 'claude' ||
      file === 'claude.exe' ||
      CLAUDE_CODE_INSTALL.some((dir) => path.includes(dir)) ||
      // Run by node (or bun): `node /…/@anthropic-ai/claude-code/cli.js`, or argv[0] `claude`.
      (/^(node|bun)(\.exe)?$/.test(file) && args.slice(0, 2).some((arg) => baseName(arg) === 'claude' || CLAUDE_CODE_INSTALL.some((dir) => arg.includes(dir)))),
  },
];

/** "Claude Desktop", "Cursor", "VS Code", "Windsurf", "Claude Code", or else the file's name. */
export function friendlyAppName(exe: string, cmdline: readonly string[] = []): string {
  const original = exe.replace(/ \(deleted\)$/, ''); // /proc says so when the file was replaced (an update)
  const path = original.replace(/\\/g, '/').toLowerCase();
  const args = cmdline.map((arg) => arg.replace(/\\/g, '/').toLowerCase());
  const app = KNOWN_APPS.find((known) => known.matches(path, baseName(path), args));
  return app?.name ?? (baseName(original.replace(/\\/g, '/')) || exe);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
