/** A store operation that cannot proceed; the message names the file or record and what to do. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

/**
 * A store file written with a different schema version than this Polaris reads. The message
 * names the file, both versions and the way out.
 */
export class StoreVersionError extends StoreError {
  override readonly name = 'StoreVersionError';

  constructor(
    readonly path: string,
    readonly found: number,
    readonly expected: number,
  ) {
    super(found < expected
      ? `store ${path} has schema version ${found}, older than version ${expected} that this Polaris reads; `
        + 'move the file aside (or pass another `store:` path in the run config) to start a new store, '
        + 'or open it with the Polaris release that wrote it'
      : `store ${path} has schema version ${found}, newer than version ${expected} that this Polaris reads; `
        + 'upgrade Polaris, or pass another `store:` path in the run config to start a new store');
  }
}
