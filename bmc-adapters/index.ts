/** The adapters library's public surface: the console seam and its implementations. */
export type { ConsoleTransport, ConsoleTransportEvents, TransportState, TransportStateEvent } from './console-transport.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { AdapterError, DecodeError } from './errors.ts';
export { TcpTransport, type TcpTransportOptions } from './tcp/tcp-transport.ts';
