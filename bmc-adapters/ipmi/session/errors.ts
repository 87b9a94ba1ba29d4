import { AdapterError } from '../../errors.ts';

/**
 * Error codes of the IPMI client:
 *  E_IPMI_TIMEOUT      no answer after every retransmission / handshake restart
 *  E_IPMI_INSECURE     the BMC offers only what we refuse without allowInsecure (why in message)
 *  E_IPMI_SUITE        no proposed cipher suite accepted, or the BMC echoed other algorithms
 *  E_IPMI_AUTH         unknown user or wrong password / Kg (RAKP2 or RAKP4 check failed)
 *  E_IPMI_RMCP_STATUS  the BMC refused a handshake step with an RMCP+ status code
 *  E_IPMI_PRIVILEGE    the BMC grants less than the requested privilege
 *  E_IPMI_CC           a command answered with a non-zero completion code (`completionCode`)
 *  E_IPMI_CLOSED       the session was closed while the operation was pending
 *  E_IPMI_SOL          SOL could not be activated / was taken over
 */
export class IpmiError extends AdapterError {
  completionCode?: number;
  constructor(code: string, message: string, options?: { cause?: unknown; completionCode?: number }) {
    super(code, message, options);
    if (options?.completionCode !== undefined) this.completionCode = options.completionCode;
  }
}
