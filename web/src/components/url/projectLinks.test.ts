import { describe, expect, it } from 'vitest';
import { explorePaths, pathParam, projectPath } from './projectLinks.ts';

describe('projectPath', () => {
  it('encodes every segment that comes from data', () => {
    expect(projectPath('demo', 'users', 'a/b?c#d')).toBe('/projects/demo/users/a%2Fb%3Fc%23d');
    expect(explorePaths.session('demo', '../../admin')).toBe(
      '/projects/demo/sessions/..%2F..%2Fadmin',
    );
    expect(explorePaths.user('demo', '..')).toBe('/projects/demo/users/%2E%2E');
    expect(explorePaths.user('demo', 'javascript:alert(1)')).toBe(
      '/projects/demo/users/javascript%3Aalert(1)',
    );
  });
});

describe('pathParam', () => {
  it.each([
    ['user-1', 'user-1'],
    ['a%2Fb', 'a/b'],
    ['100%', '100%'],
    ['%E0%A4%A', '%E0%A4%A'],
  ])('%s → %s', (segment, expected) => {
    expect(pathParam(segment)).toBe(expected);
  });
});
