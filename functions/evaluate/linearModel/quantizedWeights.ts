/**
 * Committed model weights as int8 with one scale per weight vector, base64-encoded, so a
 * 65,536-bucket model is ~87 KB of source and loads without JSON parsing of numbers.
 */

export interface QuantizedVector {
  scale: number;
  base64: string;
}

export function quantize(weights: Float64Array): QuantizedVector {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  const scale = max === 0 ? 1 : max / 127;
  const bytes = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i += 1) {
    bytes[i] = Math.round((weights[i] ?? 0) / scale);
  }
  return { scale, base64: Buffer.from(bytes.buffer).toString('base64') };
}

export function dequantize(vector: QuantizedVector): Float32Array {
  const raw = Buffer.from(vector.base64, 'base64');
  const bytes = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const weights = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) weights[i] = (bytes[i] ?? 0) * vector.scale;
  return weights;
}

/** The stored int8 weights without scaling (for sums scaled once at the end). */
export function int8Weights(vector: QuantizedVector): Int8Array {
  const raw = Buffer.from(vector.base64, 'base64');
  return new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}
