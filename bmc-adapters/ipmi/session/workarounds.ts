/**
 * Named workarounds for non-conforming BMCs, after FreeIPMI's `-W` list where the name
 * applies to RMCP+. Documented for operators in docs/ipmi.md.
 */
export const WORKAROUNDS = {
  authcap: 'ignore Get Channel Auth Capabilities claiming no IPMI 2.0 support and try RMCP+ anyway',
  opensesspriv: 'ignore the maximum privilege in the Open Session Response (OpenIPMI ipmi_sim reports 0)',
  integritycheckvalue: 'do not verify the RAKP4 integrity check value',
  nochecksumcheck: 'do not verify the data checksum (chk2) of IPMI responses',
  solpayloadsize: 'ignore the payload sizes in the Activate Payload response (pyghmi reports 1) and use 200 bytes',
  solport: 'ignore the UDP port in the Activate Payload response (pyghmi sends it big-endian) and keep the session port',
  solstatus: 'skip Get Payload Activation Status before activating SOL',
  solpacketseq: 'treat every SOL data packet as new even when its sequence number repeats (no duplicate suppression)',
  aespad: 'accept AES confidentiality pads that are not 1,2,3... (only the pad length byte is used)',
} as const;

export type Workaround = keyof typeof WORKAROUNDS;

export function parseWorkarounds(list: string | undefined): Set<Workaround> {
  const out = new Set<Workaround>();
  for (const w of (list ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (!(w in WORKAROUNDS)) throw new RangeError(`unknown IPMI workaround "${w}" (known: ${Object.keys(WORKAROUNDS).join(', ')})`);
    out.add(w as Workaround);
  }
  return out;
}
