/** A database that cannot be opened or brought to the current schema. */
export class StoreError extends Error {
  constructor(
    readonly code: 'E_STORE_OPEN' | 'E_STORE_MIGRATE' | 'E_STORE_NEWER',
    message: string,
  ) {
    super(message);
  }
}
