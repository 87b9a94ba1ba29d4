/** IANA enterprise numbers (Get Device ID manufacturer id) of common BMC vendors, for the operator's eyes only. */
const VENDORS: Record<number, string> = {
  0: 'unspecified',
  2: 'IBM',
  11: 'HPE',
  343: 'Intel',
  674: 'Dell',
  2011: 'Huawei',
  4128: 'ARM',
  7154: 'Tyan',
  7244: 'Quanta',
  10876: 'Supermicro',
  19046: 'Lenovo',
  20974: 'ASRock Rack',
  40092: 'ASPEED / OpenBMC',
  49769: 'Gigabyte',
  52084: 'Inspur',
};

export function ipmiVendorName(manufacturerId: number): string {
  return VENDORS[manufacturerId] ?? `IANA ${manufacturerId}`;
}
