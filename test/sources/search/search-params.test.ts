import { describe, expect, it } from 'vitest';
import { globProblem, searchStartParams } from '../../../src/sources/search/search-params.js';

describe('search.start params', () => {
  it('fills defaults', () => {
    expect(searchStartParams.parse({ query: 'x' })).toEqual({
      query: 'x',
      regex: false,
      caseSensitive: false,
      wholeWord: false,
      include: [],
      exclude: [],
      contextLines: 0,
    });
  });

  it('refuses globs that leave the root', () => {
    expect(globProblem('src/**/*.ts')).toBeNull();
    expect(globProblem('../x')).toMatch(/must not leave the workspace root/);
    expect(globProblem('a/../../x')).toMatch(/must not leave/);
    expect(globProblem('a\\..\\x')).toMatch(/must not leave/);
    expect(globProblem('/etc/passwd')).toMatch(/not absolute/);
    expect(globProblem('C:/Windows')).toMatch(/not absolute/);
    expect(globProblem('~/secrets')).toMatch(/not start with ~/);
    expect(globProblem('!x')).toMatch(/exclude/);
    expect(globProblem('..foo/bar')).toBeNull(); // a name that starts with dots is fine
  });

  it('refuses queries that cannot be searched line by line', () => {
    const problem = (params: object) => searchStartParams.safeParse(params).error?.issues[0];
    expect(problem({ query: 'a\nb' })).toMatchObject({
      path: ['query'],
      message: expect.stringMatching(/line break/),
    });
    expect(problem({ query: '(', regex: true })?.message).toBe('invalid regex: Unterminated group');
    expect(problem({ query: 'x', contextLines: 11 })?.path).toEqual(['contextLines']);
    expect(problem({ query: 'x', maxResults: 20_001 })?.path).toEqual(['maxResults']);
    expect(problem({ query: 'x', include: 'src' })?.path).toEqual(['include']);
    expect(problem({ query: 'x'.repeat(1001) })?.path).toEqual(['query']);
  });
});
