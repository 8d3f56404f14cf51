/** @module UsageError: bad input from the user (arguments, config, unknown remote); the message says how to fix it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** Every problem found, when there were several (config validation lists them all). */
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.problems = problems;
  }
}
