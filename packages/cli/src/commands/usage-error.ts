/** Bad input on the command line; printed as its message alone, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
