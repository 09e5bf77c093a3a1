/** The refusal evaluator's version; bump it when the features or the training change. */
export const REFUSAL_MODEL_VERSION = 'refusal-lr-1';
