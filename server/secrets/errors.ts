export class SecretError extends Error {
  constructor(
    readonly code: 'E_SECRET_KEY' | 'E_SECRET_DECRYPT',
    message: string,
  ) {
    super(message);
  }
}
