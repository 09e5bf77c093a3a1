/** The toxicity evaluator's version; bump it when the features, lexicon or training change. */
export const TOXICITY_MODEL_VERSION = 'toxicity-lr-2';
