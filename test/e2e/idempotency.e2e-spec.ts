import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional } from 'class-validator';
import { Public } from '../../src/common/auth/decorators';
import { DomainError } from '../../src/common/errors/domain-error';
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  requestHash,
} from '../../src/common/idempotency/idempotency.service';
import { RetentionArchiver } from '../../src/infra/retention/retention.archiver';
import { createTestApp, TestApp } from '../support/test-app';

class ChargeDto {
  @IsInt()
  amountFen: number;

  @IsOptional()
  @IsBoolean()
  hold?: boolean;

  @IsOptional()
  @IsBoolean()
  fail?: boolean;
}

/** A test-only action with a visible effect: every executed charge is counted. */
const ledger: number[] = [];
let release: (() => void) | undefined;
let started: (() => void) | undefined;

@Controller('test/charges')
class ChargesController {
  @Post()
  @Public()
  @HttpCode(201)
  async charge(@Body() body: ChargeDto): Promise<{ chargeNo: number; amountFen: number }> {
    if (body.hold) {
      started?.();
      await new Promise<void>((resolve) => (release = resolve));
    }
    if (body.fail) throw new DomainError('BUSINESS_RULE_VIOLATION', 'refused');
    ledger.push(body.amountFen);
    return { chargeNo: ledger.length, amountFen: body.amountFen };
  }
}

@Module({ controllers: [ChargesController] })
class ChargesModule {}

describe('Idempotency-Key', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ChargesModule] });
  });
  afterAll(async () => t.close());
  beforeEach(() => ledger.splice(0));

  const charge = (key: string | undefined, body: object) => {
    const req = t.http.post('/api/v1/test/charges').send(body);
    return key === undefined ? req : req.set('Idempotency-Key', key);
  };

  it('replays the first answer for the same key and body, executing once', async () => {
    const first = await charge('k-same', { amountFen: 500 });
    const again = await charge('k-same', { amountFen: 500 });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(ledger).toEqual([500]);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    await charge('k-order', { amountFen: 1, hold: false });
    const again = await t.http
      .post('/api/v1/test/charges')
      .set('Idempotency-Key', 'k-order')
      .set('Content-Type', 'application/json')
      .send('{"hold":false,"amountFen":1}');
    expect(again.status).toBe(201);
    expect(ledger).toEqual([1]);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED, nothing executed', async () => {
    await charge('k-diff', { amountFen: 100 });
    const other = await charge('k-diff', { amountFen: 999 });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(ledger).toEqual([100]);
  });

  it('answers a concurrent duplicate with 409 IDEMPOTENCY_KEY_IN_USE while the first runs', async () => {
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = charge('k-race', { amountFen: 7, hold: true }).then((r) => r);
    await running;
    const duplicate = await charge('k-race', { amountFen: 7, hold: true });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    release?.();
    expect((await first).status).toBe(201);
    expect(ledger).toEqual([7]);
  });

  it('releases the key when the request fails, so a retry executes', async () => {
    const failed = await charge('k-fail', { amountFen: 3, fail: true });
    expect(failed.status).toBe(422);
    const retried = await charge('k-fail', { amountFen: 3, fail: true });
    expect(retried.status).toBe(422);
    expect(retried.headers['idempotency-replayed']).toBeUndefined();
  });

  it('lets a retry take over a key abandoned by a dead process once its lock expires', async () => {
    const hash = requestHash('POST', '/api/v1/test/charges', { amountFen: 500 });
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until, created_at, expires_at)
       VALUES ('anonymous POST /api/v1/test/charges', 'k-dead', $1, 'in_progress', $2, $3, $4)`,
      [
        hash,
        new Date(t.clock.now().getTime() + IDEMPOTENCY_LOCK_MS),
        t.clock.now(),
        new Date(t.clock.now().getTime() + 86_400_000),
      ],
    );
    expect((await charge('k-dead', { amountFen: 500 })).status).toBe(409);
    t.clock.advance(IDEMPOTENCY_LOCK_MS + 1);
    const taken = await charge('k-dead', { amountFen: 500 });
    expect(taken.status).toBe(201);
    expect(ledger).toEqual([500]);
  });

  it('refuses a malformed key as a field error', async () => {
    const res = await charge('has space', { amountFen: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(ledger).toEqual([]);
  });

  it('without a key, executes every time', async () => {
    await charge(undefined, { amountFen: 1 });
    await charge(undefined, { amountFen: 1 });
    expect(ledger).toEqual([1, 1]);
  });

  it('archives records expired longer than the retention (the worker does it hourly), keeping live ones', async () => {
    await charge('k-prune-live', { amountFen: 2 });
    const config = t.environment.config;
    const archiver = new RetentionArchiver(t.dataSource, t.clock, config);
    expect((await archiver.archiveDue()).idempotency_keys ?? 0).toBe(0);
    t.clock.advance(IDEMPOTENCY_TTL_MS + config.RETENTION_IDEMPOTENCY_DAYS * 24 * 3600_000 + 1);
    await charge('k-prune-new', { amountFen: 3 });
    expect((await archiver.archiveDue()).idempotency_keys).toBeGreaterThan(0);
    const keys = await t.dataSource.query(`SELECT key FROM idempotency_keys ORDER BY key`);
    expect(keys).toEqual([{ key: 'k-prune-new' }]);
    const archived = await t.dataSource.query(`SELECT key FROM archive.idempotency_keys WHERE key = $1`, [
      'k-prune-live',
    ]);
    expect(archived).toEqual([{ key: 'k-prune-live' }]);
  });
});
