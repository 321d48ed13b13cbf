import type { FieldError } from '../../../common/errors/domain-error';

/**
 * The province-level prefixes of GB/T 2260 administrative division codes: a 6-digit code outside
 * them names no region (11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门).
 */
const PROVINCE_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** Whether a 6-digit code names a region: a known province, and not a zero city or county part below a non-zero one. */
export function isKnownRegion(code: string): boolean {
  if (!/^\d{6}$/.test(code) || !PROVINCE_PREFIXES.has(code.slice(0, 2))) return false;
  return !(code.slice(2, 4) === '00' && code.slice(4) !== '00');
}

/** The calendar date (YYYY-MM-DD) in Beijing time at `at`: contracts are signed on Beijing dates. */
export function beijingDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

/** The registration year: the Beijing year at the time of registration. */
export function beijingYear(at: Date): number {
  return Number(beijingDate(at).slice(0, 4));
}

/** JS-360100-2027-0042: four digits at least, more when a region registers over 9,999 in a year. */
export function registrationNumber(regionCode: string, year: number, n: number): string {
  return `JS-${regionCode}-${year}-${String(n).padStart(4, '0')}`;
}

/** What the rules of a contract's figures read. */
export interface ContractFigures {
  contractAmountFen: number;
  technologyTransactionAmountFen: number;
  signedOn: string;
  regionCode: string;
  sellerOrganizationId: string;
  buyerOrganizationId: string;
}

/**
 * The business rules of a contract's content (422, each naming its field): the technology
 * transaction amount is part of the contract amount; the contract was signed on or before today
 * (Beijing, by the clock); the region is known; seller and buyer differ.
 */
export function contractRuleErrors(c: ContractFigures, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  if (c.technologyTransactionAmountFen > c.contractAmountFen) {
    errors.push({
      field: 'technologyTransactionAmountFen',
      message: 'the technology transaction amount may not exceed the contract amount',
    });
  }
  if (!isValidDate(c.signedOn)) {
    errors.push({ field: 'signedOn', message: 'signedOn is not a calendar date' });
  } else if (c.signedOn > beijingDate(now)) {
    errors.push({ field: 'signedOn', message: `signedOn is after today (${beijingDate(now)})` });
  }
  if (!isKnownRegion(c.regionCode)) {
    errors.push({ field: 'regionCode', message: `unknown region ${c.regionCode}` });
  }
  if (c.sellerOrganizationId.toLowerCase() === c.buyerOrganizationId.toLowerCase()) {
    errors.push({
      field: 'buyerOrganizationId',
      message: 'seller and buyer must be different organizations',
    });
  }
  return errors;
}

function isValidDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}
