/**
 * Turns a judge policy's `apiKeySecretRef` into the API key: a Secrets Manager ARN (AWS; the
 * secret is the key itself or JSON `{ "apiKey": … }`), or the name of a
 * `SIGHTLINE_JUDGE_KEY_*` environment variable (local). No reference: a placeholder, for
 * endpoints that need no key (a local model server).
 */
import { judgeApiKeyFromEnvironment } from '../config/env.ts';
import { JudgeKeyError } from './errors.ts';

const NO_KEY = 'sightline-no-key';

export async function resolveJudgeApiKey(secretRef: string | undefined): Promise<string> {
  if (!secretRef) return NO_KEY;
  if (secretRef.startsWith('arn:')) {
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    const secret = await getSecret(secretRef, { maxAge: 300 });
    const text = typeof secret === 'string' ? secret : undefined;
    if (!text) throw new JudgeKeyError('the judge API key secret is empty or binary');
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw new JudgeKeyError('the judge API key secret is malformed JSON');
      }
      const apiKey = (parsed as { apiKey?: unknown })?.apiKey;
      if (typeof apiKey !== 'string' || apiKey === '') {
        throw new JudgeKeyError('the judge API key secret has no "apiKey"');
      }
      return apiKey;
    }
    return trimmed;
  }
  const fromEnvironment = judgeApiKeyFromEnvironment(secretRef);
  if (!fromEnvironment) {
    throw new JudgeKeyError(`the judge API key variable ${secretRef} is not set`);
  }
  return fromEnvironment;
}
