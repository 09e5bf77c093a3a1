import { describe, expect, it } from 'vitest';
import { binaryF1, groupedFolds, macroF1 } from './classificationMetrics.ts';
import { HashedFeatures, namespaceSeed } from './featureHashing.ts';
import { fitPlattScaling, predictSoftmax, trainSoftmax } from './logisticRegression.ts';
import { dequantize, quantize } from './quantizedWeights.ts';
import { tokenizeWords } from './tokenize.ts';

describe('tokenizeWords', () => {
  it.each([
    { text: 'I can’t do THAT, sorry!', tokens: ['i', "can't", 'do', 'that', 'sorry'] },
    { text: "rock 'n' roll's", tokens: ['rock', 'n', "roll's"] },
    { text: 'Ça coûte 20 €', tokens: ['ça', 'coûte', '20'] },
    { text: '  ', tokens: [] },
    { text: '\ud800abc\udfff', tokens: ['abc'] },
  ])('$text', ({ text, tokens }) => {
    expect(tokenizeWords(text, 100)).toEqual(tokens);
  });

  it('stops at maxTokens', () => {
    expect(tokenizeWords('a b c d e', 2)).toEqual(['a', 'b']);
  });
});

describe('HashedFeatures', () => {
  it('adds each bucket once and keeps buckets within range', () => {
    const features = new HashedFeatures(8);
    const seed = namespaceSeed('w');
    for (const word of ['a', 'b', 'a', 'c', 'b']) features.add(seed, word);
    expect(features.indices).toHaveLength(3);
    expect(features.indices.every((i) => i >= 0 && i < 256)).toBe(true);
  });

  it('starts empty for every new text', () => {
    const first = new HashedFeatures(8);
    first.add(namespaceSeed('w'), 'x');
    const second = new HashedFeatures(8);
    second.add(namespaceSeed('w'), 'x');
    expect(second.indices).toEqual(first.indices);
  });

  it('keeps every index past the first size of the shared buffer, and reads the same in place', () => {
    const many = new HashedFeatures(16);
    for (let value = 0; value < 5_000; value += 1) many.addHash(value);
    many.addHash(7);
    expect(many.count).toBe(5_000);
    expect(many.indices).toEqual(Array.from({ length: 5_000 }, (_, value) => value));
    expect(Array.from(many.buffer.subarray(0, many.count))).toEqual(many.indices);

    const next = new HashedFeatures(16);
    next.addHash(3);
    expect(next.count).toBe(1);
    expect(next.indices).toEqual([3]);
  });
});

describe('quantize', () => {
  it('round-trips weights within half a quantisation step', () => {
    const weights = Float64Array.from([0, 1.5, -3, 0.01, 2.999]);
    const restored = dequantize(quantize(weights));
    const step = 3 / 127;
    weights.forEach((w, i) =>
      expect(Math.abs((restored[i] ?? 0) - w)).toBeLessThanOrEqual(step / 2 + 1e-9),
    );
  });
});

describe('trainSoftmax', () => {
  it('learns a separable problem and is reproducible', () => {
    // Prepare: class = whether feature 1 is present
    const examples = Array.from({ length: 40 }, (_, i) => ({
      indices: i % 2 === 0 ? [0, 1] : [0, 2],
      label: i % 2 === 0 ? 1 : 0,
    }));
    const options = { classes: 2, bits: 4, epochs: 5, learningRate: 0.5, l2: 0, seed: 3 };
    // Act
    const first = trainSoftmax(examples, options);
    const second = trainSoftmax(examples, options);
    // Assess
    expect(predictSoftmax(first, [0, 1])[1]).toBeGreaterThan(0.9);
    expect(predictSoftmax(first, [0, 2])[1]).toBeLessThan(0.1);
    expect([...second.weights]).toEqual([...first.weights]);
  });
});

describe('fitPlattScaling', () => {
  it('shrinks over-confident logits', () => {
    // Logits of ±10 that are right only 80% of the time.
    const logits = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 10 : -10));
    const labels = logits.map((z, i) => (i % 10 < 8 ? z > 0 : z < 0));
    const { a, b } = fitPlattScaling(logits, labels);
    const p = 1 / (1 + Math.exp(-(a * 10 + b)));
    expect(p).toBeGreaterThan(0.7);
    expect(p).toBeLessThan(0.9);
  });
});

describe('metrics', () => {
  it('computes binary and macro F1', () => {
    expect(binaryF1([true, true, false, false], [true, false, true, false]).f1).toBeCloseTo(0.5);
    expect(macroF1([0, 1, 2, 2], [0, 1, 2, 1], 3).macro).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3);
  });

  it('keeps a group in one fold', () => {
    const groups = ['p1', 'p1', 'p2', 'p3', 'p2', 'p1'];
    const folds = groupedFolds(groups, 2, 9);
    expect(new Set([folds[0], folds[1], folds[5]]).size).toBe(1);
    expect(folds[2]).toBe(folds[4]);
  });
});
