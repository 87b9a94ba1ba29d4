/** Every refusal of the console hub: a stable `code` for programs, a message for the operator. */
export type ConsoleErrorCode =
  | 'E_NO_TARGET'
  | 'E_TARGET_EXISTS'
  | 'E_READ_ONLY'
  | 'E_FORBIDDEN'
  | 'E_NOT_LOCK_HOLDER'
  | 'E_LOCK_HELD'
  | 'E_NOT_CONNECTED'
  | 'E_BAD_REQUEST'
  | 'E_DETACHED'
  | 'E_CLOSED';

export class ConsoleError extends Error {
  readonly code: ConsoleErrorCode;
  constructor(code: ConsoleErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ConsoleError';
  }
}
