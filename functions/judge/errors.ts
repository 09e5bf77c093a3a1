/**
 * Named errors of the LLM-as-judge, each with a stable `code`. Messages never quote span text.
 */
export class JudgeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The judge endpoint failed, timed out or refused the request. */
export class JudgeCallError extends JudgeError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super('JUDGE_CALL_FAILED', message);
    this.status = status;
  }
}

/** The judge answered, but not with the JSON verdict the rubric asks for. */
export class JudgeVerdictError extends JudgeError {
  constructor(message: string) {
    super('JUDGE_VERDICT_INVALID', message);
  }
}

/** No API key could be resolved for the project's judge. */
export class JudgeKeyError extends JudgeError {
  constructor(message: string) {
    super('JUDGE_KEY_UNAVAILABLE', message);
  }
}

/** A queue message that is not a judge job. */
export class JudgeJobError extends JudgeError {
  constructor(message: string) {
    super('JUDGE_JOB_INVALID', message);
  }
}
