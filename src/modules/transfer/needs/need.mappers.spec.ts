import type { NeedEntity } from './entities/need.entity';
import { toNeedResponse } from './need.mappers';

const need = (anonymous: boolean): NeedEntity =>
  ({
    id: 'n1',
    enterpriseOrganizationId: 'org-secret',
    title: '需求',
    publicSummary: '公开摘要',
    industryChainCode: 'new_materials',
    regionCode: '360102',
    desiredOutcome: '方案',
    budgetMinFen: 1,
    budgetMaxFen: 2,
    deadlineWish: null,
    anonymous,
    status: 'listed',
    statusReason: '理由',
    centreOrganizationId: 'centre',
    brokerUserId: 'broker',
    diagnosisProblem: '真实问题',
    trlNeeded: 6,
    indicators: [],
    diagnosedAt: new Date(0),
    refinedAt: new Date(0),
    challengeId: 'c1',
    expiresAt: new Date(0),
    version: 1,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  }) as unknown as NeedEntity;
const context = { enterpriseName: '某电机公司', chainName: '新材料', projectIds: ['p1'] };

describe('a need as its readers see it (ADR 0058)', () => {
  it('shows the public an anonymous need without its organization, reason, centre, broker, problem or list', () => {
    const body = toNeedResponse(need(true), context, 'public');
    expect(body.enterprise).toEqual({
      organizationId: null,
      name: null,
      label: 'an enterprise in 360102, 新材料',
    });
    expect(body).toMatchObject({
      statusReason: null,
      centreOrganizationId: null,
      brokerUserId: null,
      challengeId: null,
      projectIds: [],
      diagnosis: { realProblem: null, trlNeeded: 6 },
    });
    expect(JSON.stringify(body)).not.toMatch(/org-secret|某电机公司|真实问题|理由/);
  });

  it('names the enterprise of a need filed by name, and shows everything to its full readers', () => {
    expect(toNeedResponse(need(false), context, 'public').enterprise).toMatchObject({
      organizationId: 'org-secret',
      name: '某电机公司',
    });
    expect(toNeedResponse(need(true), context, 'full')).toMatchObject({
      enterprise: { organizationId: 'org-secret', name: '某电机公司' },
      challengeId: 'c1',
      projectIds: ['p1'],
      diagnosis: { realProblem: '真实问题' },
    });
  });
});
