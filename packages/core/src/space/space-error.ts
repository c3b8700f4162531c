/**
 * A design space that cannot be built as asked (a range outside the hardware template,
 * min above max, …). `problems` holds one `<key>: <what is wrong>; allowed: …` line each.
 */
export class SpaceError extends Error {
  override readonly name = 'SpaceError';

  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? `invalid design space: ${problems[0]}` : `invalid design space:\n  - ${problems.join('\n  - ')}`);
  }
}
