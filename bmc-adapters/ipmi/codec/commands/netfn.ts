/** Network functions (IPMI v2.0 §5.1 table 5-1) and the command numbers rescuebox uses (appendix G). */
export const NETFN_CHASSIS = 0x00;
export const NETFN_APP = 0x06;
export const NETFN_TRANSPORT = 0x0c;

export const CMD_GET_CHASSIS_CAPABILITIES = 0x00; // §28.1
export const CMD_GET_CHASSIS_STATUS = 0x01; // §28.2
export const CMD_CHASSIS_CONTROL = 0x02; // §28.3
export const CMD_SET_SYSTEM_BOOT_OPTIONS = 0x08; // §28.12
export const CMD_GET_SYSTEM_BOOT_OPTIONS = 0x09; // §28.13

export const CMD_GET_DEVICE_ID = 0x01; // §20.1
export const CMD_GET_DEVICE_GUID = 0x08; // §20.8
export const CMD_GET_SYSTEM_GUID = 0x37; // §22.14
export const CMD_GET_CHANNEL_AUTH_CAP = 0x38; // §22.13
export const CMD_SET_SESSION_PRIVILEGE = 0x3b; // §22.18
export const CMD_CLOSE_SESSION = 0x3c; // §22.19
export const CMD_GET_SESSION_INFO = 0x3d; // §22.20
export const CMD_GET_CHANNEL_INFO = 0x42; // §22.24
export const CMD_ACTIVATE_PAYLOAD = 0x48; // §24.1
export const CMD_DEACTIVATE_PAYLOAD = 0x49; // §24.2
export const CMD_GET_PAYLOAD_ACTIVATION_STATUS = 0x4a; // §24.4
export const CMD_GET_PAYLOAD_INSTANCE_INFO = 0x4b; // §24.5
export const CMD_GET_CHANNEL_PAYLOAD_SUPPORT = 0x4e; // §24.8
export const CMD_GET_CHANNEL_CIPHER_SUITES = 0x54; // §22.15

export const CMD_SET_SOL_CONFIG = 0x21; // §26.2
export const CMD_GET_SOL_CONFIG = 0x22; // §26.3

export const PRIV_CALLBACK = 1;
export const PRIV_USER = 2;
export const PRIV_OPERATOR = 3;
export const PRIV_ADMIN = 4;
export const PRIV_OEM = 5;
