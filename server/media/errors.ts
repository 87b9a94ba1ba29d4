import { AdapterError } from '../../bmc-adapters/errors.ts';

/** Refusals of the media server; `code` says which rule refused. */
export class MediaError extends AdapterError {
  readonly status: number;
  constructor(code: 'E_MEDIA_NAME' | 'E_MEDIA_TRAVERSAL' | 'E_MEDIA_NOT_FOUND' | 'E_MEDIA_TOKEN' | 'E_MEDIA_EXPIRED', status: number, message: string) {
    super(code, message);
    this.status = status;
  }
}
