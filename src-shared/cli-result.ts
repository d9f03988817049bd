// What parsing a command line gives the bridge and the headless agent alike.
export type CliResult<Options> = { kind: 'run'; options: Options } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };
