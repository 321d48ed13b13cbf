import { fenToYuan, ChallengeFacts, releaseIdOf, toRelease } from './ocds';

const options = { prefix: 'ocds-test', publisherName: '测试平台' };
const at = (iso: string) => new Date(iso);

function challenge(overrides: Partial<ChallengeFacts> = {}): ChallengeFacts {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    code: 'JB-2027-0001',
    title: '高温超导电缆',
    publicSummary: '研制样机',
    categoryCode: 'key_technology',
    categoryName: '关键技术类',
    industryChainCode: 'new_materials',
    industryChainName: '新材料',
    regionCode: '360100',
    issuer: { id: 'org-issuer', name: '发榜企业' },
    totalFen: 500_000_001,
    opensAt: at('2027-01-01T00:00:00Z'),
    closesAt: at('2027-02-01T00:00:00Z'),
    selectionMode: 'single',
    teamCount: 1,
    status: 'open',
    changedAt: at('2027-01-02T00:00:00.123Z'),
    changedKey: '2027-01-02T00:00:00.123456Z',
    applicationCount: 4,
    amendments: [],
    selections: [],
    projects: [],
    ...overrides,
  };
}

describe('fenToYuan', () => {
  it('is exact: the JSON text is the decimal yuan amount', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [1, '0.01'],
      [5, '0.05'],
      [10, '0.1'],
      [99, '0.99'],
      [100, '1'],
      [123_456_789, '1234567.89'],
      [500_000_001, '5000000.01'],
      [99_999_999_999_999, '999999999999.99'],
      [-250, '-2.5'],
    ];
    for (const [fen, text] of cases) expect(JSON.stringify(fenToYuan(fen))).toBe(text);
  });

  it('every cent of a range prints exactly (no binary rounding shows)', () => {
    for (let fen = 0; fen < 100_000; fen += 7) {
      const yuan = Math.trunc(fen / 100);
      const cents = String(fen % 100).padStart(2, '0');
      const expected = cents === '00' ? String(yuan) : `${yuan}.${cents}`.replace(/0$/, '');
      expect(String(fenToYuan(fen))).toBe(expected);
    }
  });

  it('refuses what it cannot convert exactly', () => {
    expect(() => fenToYuan(1e15)).toThrow('exactly');
    expect(() => fenToYuan(1.5)).toThrow('exactly');
  });
});

describe('toRelease', () => {
  it('an open challenge: a tender, no application count yet, the issuer as buyer', () => {
    const release = toRelease(challenge(), options);
    expect(release).toMatchObject({
      ocid: 'ocds-test-11111111-1111-4111-8111-111111111111',
      id: 'ocds-test-11111111-1111-4111-8111-111111111111-20270102T000000.123456Z',
      date: '2027-01-02T00:00:00.123Z',
      tag: ['tender'],
      initiationType: 'tender',
      buyer: { id: 'org-issuer', name: '发榜企业' },
      tender: { id: 'JB-2027-0001', status: 'active', value: { amount: 5_000_000.01, currency: 'CNY' } },
    });
    expect(release.bids).toBeUndefined();
    expect(release.tender.numberOfTenderers).toBeUndefined();
    expect(release.parties.map((p) => [p.id, p.roles])).toEqual([
      ['jiebang-platform', ['procuringEntity', 'funder']],
      ['org-issuer', ['buyer']],
    ]);
  });

  it('maps the statuses: published is planned, closed shows the application count, cancelled and withdrawn cancel the tender', () => {
    expect(toRelease(challenge({ status: 'published' }), options).tender.status).toBe('planned');
    const closed = toRelease(challenge({ status: 'under_review' }), options);
    expect(closed.tender.numberOfTenderers).toBe(4);
    expect(closed.bids).toEqual({
      statistics: [{ id: '1', measure: 'bids', value: 4, date: '2027-02-01T00:00:00.000Z' }],
    });
    expect(toRelease(challenge({ status: 'cancelled' }), options)).toMatchObject({
      tag: ['tenderCancellation'],
      tender: { status: 'cancelled' },
    });
    expect(toRelease(challenge({ status: 'withdrawn' }), options).tender.status).toBe('withdrawn');
    expect(() => toRelease(challenge({ status: 'draft' }), options)).toThrow('not public');
  });

  it('a reopened selection is a cancelled award; the final one is active with the project value; contracts carry milestones and payments', () => {
    const winner = { id: 'org-winner', name: '揭榜大学' };
    const release = toRelease(
      challenge({
        status: 'awarded',
        selections: [
          {
            id: 's1',
            status: 'reopened',
            selectedAt: at('2027-03-01T00:00:00Z'),
            closedAt: at('2027-03-03T00:00:00Z'),
            winners: [{ applicationId: 'a1', organization: winner }],
          },
          {
            id: 's2',
            status: 'finalized',
            selectedAt: at('2027-03-05T00:00:00Z'),
            closedAt: at('2027-03-12T00:00:00Z'),
            winners: [{ applicationId: 'a1', organization: winner }],
          },
        ],
        projects: [
          {
            id: 'p1',
            applicationId: 'a1',
            supplier: winner,
            status: 'active',
            fiscalFen: 300_000_000,
            issuerFen: 200_000_001,
            activatedAt: at('2027-03-20T02:00:00Z'),
            durationMonths: 24,
            milestones: [
              {
                id: 'm1',
                position: 0,
                dueAt: at('2027-09-20T15:59:59.999Z'),
                status: 'passed',
                metAt: at('2027-09-01T00:00:00Z'),
                updatedAt: at('2027-09-01T00:00:00Z'),
              },
              {
                id: 'm2',
                position: 1,
                dueAt: at('2029-03-20T15:59:59.999Z'),
                status: 'pending',
                metAt: null,
                updatedAt: at('2027-03-20T02:00:00Z'),
              },
            ],
            paid: [
              { id: 't1', payer: 'fiscal', amountFen: 90_000_000, paidAt: at('2027-03-21T00:00:00Z') },
              { id: 't2', payer: 'issuer', amountFen: 60_000_001, paidAt: at('2027-03-22T00:00:00Z') },
            ],
          },
        ],
      }),
      options,
    );
    expect(release.tag).toEqual(['tender', 'award', 'contract', 'implementation']);
    expect(release.tender.status).toBe('complete');
    expect(release.awards).toEqual([
      { id: 's1-a1', status: 'cancelled', date: '2027-03-01T00:00:00.000Z', suppliers: [winner] },
      {
        id: 's2-a1',
        status: 'active',
        date: '2027-03-12T00:00:00.000Z',
        suppliers: [winner],
        value: { amount: 5_000_000.01, currency: 'CNY' },
      },
    ]);
    const [contract] = release.contracts!;
    expect(contract).toMatchObject({
      id: 'p1',
      awardID: 's2-a1',
      status: 'active',
      dateSigned: '2027-03-20T02:00:00.000Z',
      period: { startDate: '2027-03-20T02:00:00.000Z', endDate: '2029-03-20T15:59:59.999Z' },
    });
    expect(contract.implementation.milestones).toEqual([
      {
        id: 'm1',
        code: 'M1',
        type: 'delivery',
        status: 'met',
        dueDate: '2027-09-20T15:59:59.999Z',
        dateMet: '2027-09-01T00:00:00.000Z',
        dateModified: '2027-09-01T00:00:00.000Z',
      },
      {
        id: 'm2',
        code: 'M2',
        type: 'delivery',
        status: 'scheduled',
        dueDate: '2029-03-20T15:59:59.999Z',
        dateModified: '2027-03-20T02:00:00.000Z',
      },
    ]);
    expect(contract.implementation.transactions).toEqual([
      {
        id: 't1',
        date: '2027-03-21T00:00:00.000Z',
        value: { amount: 900_000, currency: 'CNY' },
        payer: { id: 'jiebang-platform', name: '测试平台' },
        payee: winner,
      },
      {
        id: 't2',
        date: '2027-03-22T00:00:00.000Z',
        value: { amount: 600_000.01, currency: 'CNY' },
        payer: { id: 'org-issuer', name: '发榜企业' },
        payee: winner,
      },
    ]);
    expect(release.parties.map((p) => [p.id, p.roles])).toEqual([
      ['jiebang-platform', ['procuringEntity', 'funder', 'payer']],
      ['org-issuer', ['buyer', 'payer']],
      ['org-winner', ['supplier', 'payee']],
    ]);
  });

  it('the release id changes with the change time and only with it', () => {
    expect(releaseIdOf('ocds-x-1', '2027-01-02T00:00:00.000001Z')).toBe('ocds-x-1-20270102T000000.000001Z');
    expect(toRelease(challenge(), options).id).toBe(toRelease(challenge(), options).id);
    expect(toRelease(challenge({ changedKey: '2027-01-02T00:00:00.123457Z' }), options).id).not.toBe(
      toRelease(challenge(), options).id,
    );
  });
});
