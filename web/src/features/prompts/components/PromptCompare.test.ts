import { describe, expect, it } from 'vitest';
import { describeChange } from './PromptCompare.tsx';

describe('describeChange', () => {
  it.each([
    [100, 80, 'lower', { text: '−20%', tone: 'better' }],
    [100, 120, 'lower', { text: '+20%', tone: 'worse' }],
    [0.5, 0.75, 'higher', { text: '+50%', tone: 'better' }],
    [10, 12, 'neither', { text: '+20%', tone: 'same' }],
    [5, 5, 'lower', { text: '±0', tone: 'same' }],
    [0, 3, 'lower', { text: 'new', tone: 'same' }],
    [null, 3, 'lower', { text: '—', tone: 'same' }],
  ] as const)('%s → %s (%s is better)', (a, b, better, expected) => {
    expect(describeChange(a, b, better)).toEqual(expected);
  });
});
