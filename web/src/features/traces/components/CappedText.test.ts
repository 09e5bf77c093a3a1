import { describe, expect, it } from 'vitest';
import { cutText } from './CappedText.tsx';

describe('cutText', () => {
  it('never splits a surrogate pair', () => {
    expect(cutText('ab😀cd', 3)).toBe('ab');
    expect(cutText('ab😀cd', 4)).toBe('ab😀');
    expect(cutText('short', 10)).toBe('short');
  });
});
