import type { ControllerFactory } from '../bmc/controller-factory.ts';
import type { FetchLog } from '../media/fetch-log.ts';
import type { MediaServer } from '../media/media-server.ts';

/**
 * What the operation routes need besides the app context. Everything is
 * optional so the app works before the media server is wired in: a missing
 * controller factory falls back to the product one over IPMI/Redfish.
 */
export interface OperationDeps {
  controllers?: ControllerFactory;
  /** Shape returned by server/media/setup.ts `setupMedia()`. */
  media?: { media: MediaServer; fetchLog: FetchLog };
}
