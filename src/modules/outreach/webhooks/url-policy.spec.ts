import { ConfigError, parseConfig } from '../../../infra/config/config';
import { AllowList, forbiddenRange, parseWebhookUrl, Resolver, resolveTarget } from './url-policy';

const fakeDns =
  (answers: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function check(url: string, allow: string[] = [], answers: Record<string, string[]> = {}) {
  const parsed = parseWebhookUrl(url, true);
  if ('kind' in parsed) return parsed;
  return resolveTarget(parsed.hostname, new AllowList(allow), fakeDns(answers));
}

describe('webhook address policy', () => {
  it.each([
    ['169.254.169.254', /link-local/],
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /reserved or broadcast/],
    ['198.18.0.1', /benchmarking/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fd00::1', /unique-local/],
    ['fc00::1', /unique-local/],
    ['fe80::1', /link-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /IPv4-mapped|loopback/],
    ['::ffff:8.8.8.8', /IPv4-mapped/],
    ['64:ff9b::a00:1', /NAT64/],
    ['2002:a00:1::', /6to4/],
  ])('refuses %s', (address, label) => {
    expect(forbiddenRange(address)).toMatch(label);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '11.0.0.1', '2606:4700:4700::1111', '240e::1'])(
    'accepts the public unicast address %s',
    (address) => {
      expect(forbiddenRange(address)).toBeNull();
    },
  );

  it('refuses the classic SSRF targets, by literal address or by a name resolving to one', async () => {
    expect(await check('http://169.254.169.254/latest/meta-data')).toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('169.254.169.254'),
    });
    expect(await check('http://127.0.0.1:5432')).toMatchObject({ kind: 'forbidden' });
    expect(await check('http://[::1]/')).toMatchObject({ kind: 'forbidden' });
    expect(await check('http://0x7f.1/')).toMatchObject({ kind: 'forbidden' }); // 127.0.0.1, normalized by URL
    expect(await check('http://2130706433/')).toMatchObject({ kind: 'forbidden' });
    expect(await check('https://intranet.example/', [], { 'intranet.example': ['10.0.0.7'] })).toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('intranet.example resolves to it'),
    });
  });

  it('refuses a name when any one of its addresses is forbidden', async () => {
    const answers = { 'mixed.example': ['93.184.216.34', '192.168.0.10'] };
    expect(await check('https://mixed.example/hook', [], answers)).toMatchObject({ kind: 'forbidden' });
  });

  it('accepts a public name, with the addresses it resolved to', async () => {
    const answers = { 'hooks.example': ['93.184.216.34', '2606:2800:220:1::1'] };
    expect(await check('https://hooks.example/in', [], answers)).toEqual({
      trustedHost: false,
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
  });

  it('lets the allow-list open an address, a CIDR or a host name, and nothing else', async () => {
    expect(await check('http://127.0.0.1:8080/', ['127.0.0.1'])).toMatchObject({ trustedHost: false });
    expect(await check('http://127.0.0.2:8080/', ['127.0.0.1'])).toMatchObject({ kind: 'forbidden' });
    expect(await check('http://10.20.30.40/', ['10.20.0.0/16'])).toMatchObject({ trustedHost: false });
    expect(await check('http://10.21.0.1/', ['10.20.0.0/16'])).toMatchObject({ kind: 'forbidden' });
    expect(await check('http://[fd00::5]/', ['fd00::/8'])).toMatchObject({ trustedHost: false });
    expect(await check('https://Hooks.Internal./x', ['hooks.internal'])).toEqual({
      addresses: [],
      trustedHost: true,
    });
  });

  it('says a name that does not resolve is unresolvable', async () => {
    expect(await check('https://nowhere.example/')).toMatchObject({
      kind: 'unresolvable',
      message: expect.stringContaining('ENOTFOUND'),
    });
  });

  it('accepts only https unless http is allowed, and no credentials or fragments', () => {
    expect(parseWebhookUrl('http://hooks.example/x', false)).toEqual({
      kind: 'invalid',
      message: 'url must be https',
    });
    expect(parseWebhookUrl('https://hooks.example/x', false)).toMatchObject({ hostname: 'hooks.example' });
    expect(parseWebhookUrl('ftp://hooks.example/x', true)).toMatchObject({ kind: 'invalid' });
    expect(parseWebhookUrl('https://user:pw@hooks.example/', false)).toMatchObject({
      kind: 'invalid',
      message: 'url must not contain credentials',
    });
    expect(parseWebhookUrl('https://hooks.example/#x', false)).toMatchObject({ kind: 'invalid' });
    expect(parseWebhookUrl('not a url', false)).toMatchObject({ kind: 'invalid' });
    expect(parseWebhookUrl('https://[::1]:8443/x', false)).toMatchObject({ hostname: '::1' });
  });
});

describe('webhook configuration', () => {
  const base = {
    DATABASE_URL: 'postgres://app@db:5432/jiebang',
    REDIS_URL: 'redis://cache:6379',
    JWT_ACCESS_SECRET: 'k'.repeat(32),
  };

  it('defaults to https only, no allow-list, 15 s, 40 s backoff base, 10 attempts, 3 days', () => {
    expect(parseConfig(base)).toMatchObject({
      WEBHOOK_ALLOW_HTTP: false,
      WEBHOOK_ALLOWED_HOSTS: [],
      WEBHOOK_TIMEOUT_MS: 15_000,
      WEBHOOK_BACKOFF_BASE_MS: 40_000,
      WEBHOOK_MAX_ATTEMPTS: 10,
      WEBHOOK_DISABLE_AFTER_DAYS: 3,
    });
  });

  it('reads the allow-list as addresses, CIDRs and host names, and refuses anything else', () => {
    const config = parseConfig({
      ...base,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, 10.0.0.0/8,fd00::/8, Hooks.Internal',
    });
    expect(config.WEBHOOK_ALLOWED_HOSTS).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'hooks.internal']);
    expect(() => parseConfig({ ...base, WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, WEBHOOK_ALLOWED_HOSTS: 'http://x' })).toThrow(
      /WEBHOOK_ALLOWED_HOSTS/,
    );
  });
});
