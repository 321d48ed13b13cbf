import { Webhook } from 'standardwebhooks';
import { signedHeaders } from './webhook-delivery.service';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_EVENTS,
  webhookBody,
  webhookData,
  webhookEvent,
} from './webhook-events';
import { generateWebhookSecret } from './webhooks.service';

/** API.md "Webhook events", verbatim, and the technology contract events of TRANSFER.md (ADR 0061). */
/** API.md "Webhook events", verbatim, and the results library's (docs/adr/0059; API.md to follow). */
const API_MD_EVENTS = [
  'challenge.published',
  'challenge.amended',
  'challenge.closed',
  'challenge.awarded',
  'challenge.unsuccessful',
  'application.submitted',
  'application.formal_checked',
  'review.completed',
  'selection.publicized',
  'objection.lodged',
  'project.activated',
  'milestone.submitted',
  'milestone.assessed',
  'payment.paid',
  'acceptance.decided',
  'project.terminated',
  'contract.submitted',
  'contract.registered',
  'contract.returned',
];

/** The transfer loop's events (TRANSFER.md; ADR 0058 for the industry-demand library). */
const TRANSFER_EVENTS = [
  'need.filed',
  'need.refined',
  'need.returned',
  'need.listed',
  'need.expired',
  'introduction.made',
  'match.found',
  'result.drafted',
  'result.submitted',
  'result.published',
  'result.returned',
  'result.withdrawn',
  'result.utilisation_requested',
  'result.utilisation_reported',
  'result.utilisation_overdue',
];

describe('webhook event catalogue', () => {
  it('is exactly the list of API.md and of the transfer loop', () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual([...API_MD_EVENTS, ...TRANSFER_EVENTS].sort());
  });

  it('never sends the organization of an anonymous need in a public event', () => {
    for (const type of ['need.refined'] as const) {
      expect(WEBHOOK_EVENTS[type].audience).toBe('public');
      expect(WEBHOOK_EVENTS[type].fields).not.toContain('enterpriseOrganizationId');
      expect(WEBHOOK_EVENTS[type].fields).not.toContain('confidentialDetails');
    }
  });

  it('sends only the listed fields (absent ones as null), never the rest of the outbox data', () => {
    const data = webhookData('challenge.unsuccessful', {
      challengeId: 'c1',
      code: 'JB-2027-0001',
      title: '榜单',
      issuerOrganizationId: 'o1',
      reason: '无申请达到合格线（内部理由）',
      confidentialDetails: '保密',
    });
    expect(data).toEqual({
      challengeId: 'c1',
      code: 'JB-2027-0001',
      title: '榜单',
      issuerOrganizationId: 'o1',
    });
    expect(webhookData('challenge.published', { challengeId: 'c1' })).toMatchObject({
      code: null,
      opensAt: null,
    });
  });

  it('keeps applicant identities, scores and objectors out of what issuers receive', () => {
    const submitted = webhookData('application.submitted', {
      applicationId: 'a1',
      challengeId: 'c1',
      leadOrganizationId: 'applicant-org',
      issuerOrganizationId: 'issuer-org',
    });
    expect(JSON.stringify(submitted)).not.toContain('applicant-org');
    const review = webhookData('review.completed', { challengeId: 'c1', results: [{ score: 80 }] });
    expect(review).not.toHaveProperty('results');
    for (const type of WEBHOOK_EVENT_TYPES) {
      expect(WEBHOOK_EVENTS[type].fields).not.toContain('confidentialDetails');
      expect(WEBHOOK_EVENTS[type].fields).not.toContain('objectorUserId');
      expect(WEBHOOK_EVENTS[type].fields).not.toContain('expertUserId');
    }
  });

  it('names the organizations an event concerns; public events concern every subscriber', () => {
    const issuer = '6f1c2a9e-0d4b-4c1e-9a51-3f8e2b7d4c10';
    const lead = '0b7d9f3a-52c8-4e61-8d2f-7a4c1e9b5d22';
    const data = { issuerOrganizationId: issuer, leadOrganizationId: lead };
    expect(webhookEvent('application.submitted').parties(data)).toEqual([issuer, lead]);
    expect(webhookEvent('application.formal_checked').parties(data)).toEqual([lead]);
    expect(webhookEvent('objection.lodged').parties(data)).toEqual([issuer]);
    expect(
      webhookEvent('payment.paid').parties({ issuerOrganizationId: issuer, leadOrganizationId: null }),
    ).toEqual([issuer]);
    expect(webhookEvent('payment.paid').parties({ issuerOrganizationId: 'not-a-uuid' })).toEqual([]);
    const publicTypes = WEBHOOK_EVENT_TYPES.filter((t) => WEBHOOK_EVENTS[t].audience === 'public');
    expect(publicTypes.sort()).toEqual([
      'challenge.amended',
      'challenge.awarded',
      'challenge.closed',
      'challenge.published',
      'challenge.unsuccessful',
      'contract.registered',
      'need.refined',
      'result.published',
      'selection.publicized',
    ]);
  });

  it('signs the body the Standard Webhooks way, verifiable with the standardwebhooks package', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    const occurredAt = new Date('2027-03-01T02:00:00.000Z');
    const body = webhookBody({
      id: 'e1',
      type: 'challenge.closed',
      aggregateType: 'challenge',
      aggregateId: 'c1',
      occurredAt,
      data: { challengeId: 'c1', title: '榜单' },
    });
    expect(JSON.parse(body)).toMatchObject({
      id: 'e1',
      type: 'challenge.closed',
      createdAt: '2027-03-01T02:00:00.000Z',
      data: { challengeId: 'c1', title: '榜单' },
    });
    const now = new Date('2027-03-01T02:00:05.750Z');
    const headers = signedHeaders('msg-1', secret, body, now);
    expect(headers).toMatchObject({ 'webhook-id': 'msg-1', 'webhook-timestamp': '1803866405' });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
    try {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
      expect(() => new Webhook(secret).verify(body.replace('榜单', '改过'), headers)).toThrow();
      expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    } finally {
      spy.mockRestore();
    }
  });
});
