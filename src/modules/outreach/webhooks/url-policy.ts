import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to every address it has (injectable, so tests can fake a DNS answer). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');
export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

type Family = 'ipv4' | 'ipv6';

/**
 * Address ranges a webhook may not reach unless WEBHOOK_ALLOWED_HOSTS lists them: everything but
 * public unicast (RFC 6890 special-purpose registries). IPv4-mapped IPv6 is refused as a whole.
 */
const FORBIDDEN_RANGES: ReadonlyArray<readonly [string, number, Family, string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay anycast'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved or broadcast'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped IPv6'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64'],
  ['64:ff9b:1::', 48, 'ipv6', 'NAT64 (local)'],
  ['100::', 64, 'ipv6', 'discard-only'],
  ['2001::', 23, 'ipv6', 'IETF protocol assignments'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['2002::', 16, 'ipv6', '6to4'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

// One list per range, to name the range that matched. Node's BlockList matches IPv6 rules against
// IPv4 addresses as IPv4-mapped ones, so an address is only checked against rules of its family.
const RANGES = FORBIDDEN_RANGES.map(([network, prefix, family, label]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, label: `${label} ${network}/${prefix}` };
});

function familyOf(address: string): Family | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** The forbidden range an IP address is in, or null for a public unicast address. */
export function forbiddenRange(address: string): string | null {
  const family = familyOf(address);
  if (!family) return 'not an IP address';
  return RANGES.find((range) => range.family === family && range.list.check(address, family))?.label ?? null;
}

/** WEBHOOK_ALLOWED_HOSTS, parsed: addresses and CIDRs, and host names. */
export class AllowList {
  private readonly addresses = new BlockList();
  private readonly hosts = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.toLowerCase();
      const [network, prefix] = entry.split('/');
      const family = familyOf(network);
      if (family && prefix !== undefined) this.addresses.addSubnet(network, Number(prefix), family);
      else if (family) this.addresses.addAddress(network, family);
      else this.hosts.add(entry.replace(/\.$/, ''));
    }
  }

  allowsAddress(address: string): boolean {
    const family = familyOf(address);
    return family !== null && this.addresses.check(address, family);
  }

  /** A host name listed as such: trusted whatever it resolves to. */
  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }
}

export type UrlProblem =
  | { kind: 'invalid'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'unresolvable'; message: string };

export interface ParsedWebhookUrl {
  url: URL;
  /** The host without IPv6 brackets. */
  hostname: string;
}

const MAX_URL_LENGTH = 2048;

/** Parses and checks the form of a subscription URL: http(s) as configured, no credentials. */
export function parseWebhookUrl(value: string, allowHttp: boolean): ParsedWebhookUrl | UrlProblem {
  if (value.length > MAX_URL_LENGTH)
    return { kind: 'invalid', message: `url is longer than ${MAX_URL_LENGTH}` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: 'invalid', message: 'url must be an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return { kind: 'invalid', message: allowHttp ? 'url must be http or https' : 'url must be https' };
  }
  if (url.username || url.password) return { kind: 'invalid', message: 'url must not contain credentials' };
  if (url.hash) return { kind: 'invalid', message: 'url must not contain a fragment' };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) return { kind: 'invalid', message: 'url must have a host' };
  return { url, hostname };
}

export interface ResolvedTarget {
  /** Every address the host has, each allowed (public, or listed in the allow-list). */
  addresses: Array<{ address: string; family: number }>;
  /** The host name is itself in the allow-list: no address check applies. */
  trustedHost: boolean;
}

/**
 * Resolves the host (a literal address resolves to itself) and refuses it when any of its addresses
 * is in a forbidden range and not allowed: all of them must pass, or a name resolving to a public
 * and a private address would reach the private one half of the time.
 */
export async function resolveTarget(
  hostname: string,
  allowList: AllowList,
  resolver: Resolver,
): Promise<ResolvedTarget | UrlProblem> {
  if (allowList.allowsHost(hostname)) return { addresses: [], trustedHost: true };
  const literal = isIP(hostname);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) {
    addresses = [{ address: hostname, family: literal }];
  } else {
    try {
      addresses = await resolver(hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { kind: 'unresolvable', message: `host ${hostname} does not resolve (${code})` };
    }
    if (!addresses.length) return { kind: 'unresolvable', message: `host ${hostname} has no address` };
  }
  for (const { address } of addresses) {
    const range = forbiddenRange(address);
    if (range && !allowList.allowsAddress(address)) {
      const via = literal ? '' : ` (${hostname} resolves to it)`;
      return { kind: 'forbidden', message: `address ${address}${via} is in a forbidden range: ${range}` };
    }
  }
  return { addresses, trustedHost: false };
}

export function isUrlProblem(value: unknown): value is UrlProblem {
  return typeof value === 'object' && value !== null && 'kind' in value && 'message' in value;
}
