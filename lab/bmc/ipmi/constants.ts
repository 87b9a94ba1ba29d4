/** Numbers from the IPMI v2.0 spec that the lab BMC's command layer uses. */

export const NETFN_CHASSIS = 0x00;
export const NETFN_APP = 0x06;
export const NETFN_TRANSPORT = 0x0c;

/** Privilege levels (§6.8); the session's current level gates each command. */
export const PRIV_CALLBACK = 1;
export const PRIV_USER = 2;
export const PRIV_OPERATOR = 3;
export const PRIV_ADMIN = 4;
export type Privilege = 1 | 2 | 3 | 4;

/** Completion codes (§5.2 table 5-2) the lab BMC answers with. */
export const CC_OK = 0x00;
export const CC_NODE_BUSY = 0xc0;
export const CC_INVALID_COMMAND = 0xc1;
export const CC_REQ_DATA_LEN_INVALID = 0xc7;
export const CC_PARAM_OUT_OF_RANGE = 0xc9;
export const CC_INVALID_DATA_FIELD = 0xcc;
export const CC_INSUFFICIENT_PRIVILEGE = 0xd4;
export const CC_NOT_SUPPORTED_IN_STATE = 0xd5;
export const CC_UNSPECIFIED = 0xff;
/** Command-specific codes live next to their handlers. */

/** RMCP+ Open Session / RAKP status codes (§13.24 table 13-15). */
export const RAKP_OK = 0x00;
export const RAKP_INSUFFICIENT_RESOURCES = 0x01;
export const RAKP_INVALID_SESSION_ID = 0x02;
export const RAKP_INVALID_PAYLOAD_TYPE = 0x03;
export const RAKP_INVALID_AUTH_ALG = 0x04;
export const RAKP_INVALID_INTEGRITY_ALG = 0x05;
export const RAKP_INACTIVE_SESSION_ID = 0x08;
export const RAKP_INVALID_ROLE = 0x09;
export const RAKP_UNAUTHORIZED_ROLE = 0x0a;
export const RAKP_INVALID_NAME_LENGTH = 0x0c;
export const RAKP_UNAUTHORIZED_NAME = 0x0d;
export const RAKP_INVALID_INTEGRITY_CHECK = 0x0f;
export const RAKP_INVALID_CONF_ALG = 0x10;
export const RAKP_NO_CIPHER_SUITE_MATCH = 0x11;

/** Algorithm numbers (§13.28). */
export const AUTH_RAKP_HMAC_SHA1 = 0x01;
export const AUTH_RAKP_HMAC_SHA256 = 0x03;
export const INTEG_HMAC_SHA1_96 = 0x01;
export const INTEG_HMAC_SHA256_128 = 0x04;
export const CONF_AES_CBC_128 = 0x01;

export interface CipherSuite {
  id: number;
  auth: number;
  integrity: number;
  confidentiality: number;
}

/** The only suites the lab BMC offers: everything else is refused at Open Session. */
export const LAB_CIPHER_SUITES: readonly CipherSuite[] = [
  { id: 3, auth: AUTH_RAKP_HMAC_SHA1, integrity: INTEG_HMAC_SHA1_96, confidentiality: CONF_AES_CBC_128 },
  { id: 17, auth: AUTH_RAKP_HMAC_SHA256, integrity: INTEG_HMAC_SHA256_128, confidentiality: CONF_AES_CBC_128 },
];
