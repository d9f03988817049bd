import type { Plugin } from 'esbuild';

export function annotateTopLevelCalls(source: string, fileName: string): string;
export const pureSchemas: Plugin;
