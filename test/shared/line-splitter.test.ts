import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src-shared/line-splitter';

function collect(maxLength: number, chunks: string[]) {
  const lines: string[] = [];
  let overflows = 0;
  const splitter = createLineSplitter({ maxLength, onLine: (l) => lines.push(l), onOverflow: () => overflows++ });
  for (const chunk of chunks) splitter.push(chunk);
  return { lines, overflows, rest: splitter.end() };
}

describe('line splitter', () => {
  it('joins lines across chunks and strips CR', () => {
    expect(collect(100, ['ab', 'c\r\nde', 'f\n', 'gh'])).toEqual({ lines: ['abc', 'def'], overflows: 0, rest: 'gh' });
  });

  it('drops an oversized line once and resumes at the next line', () => {
    const result = collect(5, ['123', '456789', 'xyz', '\nok\n']);
    expect(result).toEqual({ lines: ['ok'], overflows: 1, rest: '' });
  });

  it('drops an oversized line that arrives whole', () => {
    expect(collect(3, ['abcdef\nhi\n'])).toEqual({ lines: ['hi'], overflows: 1, rest: '' });
  });
});
