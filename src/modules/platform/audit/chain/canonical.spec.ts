import { createHash } from 'node:crypto';
import { chainRows } from './audit-sealer';
import { checkSeal } from './audit-verifier';
import { AuditRowContent, canonicalJson, GENESIS_HASH, sealHash, utcDay } from './canonical';

const row = (over: Partial<AuditRowContent> = {}): AuditRowContent => ({
  id: '8f45edd8-3fbb-4695-b5f6-41cc8ad2ae14',
  txId: '1234',
  occurredAt: '2027-03-01T02:00:00.123456Z',
  actorType: 'user',
  actorId: '0b0d2c1e-7d44-4f7e-9a55-0a5f0e3c9d10',
  actorOrganizationId: null,
  action: 'payment.confirmed',
  objectType: 'payment',
  objectId: 'p1',
  before: '{"status": "approved"}',
  after: '{"status": "paid"}',
  requestId: null,
  ...over,
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ x: 1, y: 2, z: { q: 1, p: 2 } })).toBe(
      canonicalJson({ z: { p: 2, q: 1 }, y: 2, x: 1 }),
    );
  });

  it('sorts by UTF-16 code units and escapes strings as JSON does', () => {
    expect(canonicalJson({ 项目: '揭榜"挂帅"\n', Z: 1, a: 2 })).toBe(
      '{"Z":1,"a":2,"项目":"揭榜\\"挂帅\\"\\n"}',
    );
  });

  it('refuses what JSON cannot say instead of dropping it', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow(/"a" is undefined/);
    expect(() => canonicalJson(Number.NaN)).toThrow(/not a JSON number/);
    expect(() => canonicalJson(Infinity)).toThrow(/not a JSON number/);
    expect(() => canonicalJson(10n)).toThrow(/bigint is not JSON/);
  });

  it('keeps null distinct from the string "null"', () => {
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({ a: 'null' }));
  });
});

describe('sealHash', () => {
  it('is SHA-256 of the previous hash followed by the canonical row', () => {
    const content = row();
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalJson(content))
      .digest('hex');
    expect(sealHash(GENESIS_HASH, content)).toBe(expected);
    expect(sealHash(GENESIS_HASH, content)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['the action', { action: 'payment.approved' }],
    ['a microsecond of the time', { occurredAt: '2027-03-01T02:00:00.123457Z' }],
    ['the after image', { after: '{"status": "refunded"}' }],
    ['a null becoming empty', { requestId: '' }],
    ['the transaction id', { txId: '1235' }],
  ])('changes when %s changes', (_what, change) => {
    expect(sealHash(GENESIS_HASH, row(change))).not.toBe(sealHash(GENESIS_HASH, row()));
  });

  it('changes with the predecessor', () => {
    expect(sealHash('1'.repeat(64), row())).not.toBe(sealHash(GENESIS_HASH, row()));
  });
});

describe('chain of seals', () => {
  const head = {
    lastSeq: 0,
    lastHash: GENESIS_HASH,
    lastSealedAt: null,
    horizon: null,
    archivedThroughSeq: 0,
  };
  const at = new Date('2027-03-01T02:00:00Z');
  const rows = [row({ id: 'a' }), row({ id: 'b' }), row({ id: 'c' })];
  const { seals, head: next } = chainRows(head, rows, at);
  const sealed = seals.map((s, i) => ({ ...s, live: rows[i], archived: null }));

  it('numbers the seals on from the head and links each to its predecessor', () => {
    expect(seals.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(seals[0].prevHash).toBe(GENESIS_HASH);
    expect(seals[1].prevHash).toBe(seals[0].hash);
    expect(next).toMatchObject({ lastSeq: 3, lastHash: seals[2].hash, lastSealedAt: at });
  });

  it('verifies an intact chain', () => {
    expect(sealed.map((s, i) => checkSeal(s, i + 1, i ? seals[i - 1].hash : GENESIS_HASH))).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('names a changed row, a missing row, a missing seal and a broken link', () => {
    const changed = { ...sealed[1], live: row({ id: 'b', action: 'forged' }) };
    expect(checkSeal(changed, 2, seals[0].hash)).toMatchObject({
      reason: 'content_changed',
      seq: 2,
      auditEventId: 'b',
      action: 'forged',
    });
    expect(checkSeal({ ...sealed[1], live: null }, 2, seals[0].hash)).toMatchObject({
      reason: 'row_missing',
      auditEventId: 'b',
    });
    expect(checkSeal(sealed[2], 2, seals[0].hash)).toMatchObject({ reason: 'seal_missing', seq: 2 });
    expect(checkSeal(sealed[2], 3, seals[0].hash)).toMatchObject({ reason: 'link_broken', seq: 3 });
  });

  it('checks an archived copy as strictly as a live one', () => {
    const archived = { ...sealed[0], live: null, archived: rows[0] };
    expect(checkSeal(archived, 1, GENESIS_HASH)).toBeNull();
    const forged = { ...sealed[0], live: rows[0], archived: row({ id: 'a', objectId: 'other' }) };
    expect(checkSeal(forged, 1, GENESIS_HASH)).toMatchObject({ reason: 'content_changed' });
  });

  it('days are UTC days', () => {
    expect(utcDay(new Date('2027-03-01T23:59:59.999+00:00'))).toBe('2027-03-01');
    expect(utcDay(new Date('2027-03-02T07:00:00+08:00'))).toBe('2027-03-01');
  });
});
