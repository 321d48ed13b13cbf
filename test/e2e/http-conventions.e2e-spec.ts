import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/common/audit/audit.service';
import { Public } from '../../src/common/auth/decorators';
import { createTestApp, TestApp } from '../support/test-app';

class LineDto {
  @IsString()
  @MaxLength(20)
  name: string;
}

class EchoDto {
  @IsString()
  @MaxLength(50)
  title: string;

  @IsInt()
  @Min(0)
  @Max(100)
  count: number;

  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines: LineDto[];
}

/** A test-only route that validates a body and audits, to exercise the HTTP-wide conventions. */
@Controller('test/echo')
class EchoController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  async echo(@Body() body: EchoDto): Promise<EchoDto> {
    await this.dataSource.transaction((em) =>
      this.audit.record(em, {
        actor: { kind: 'system' },
        action: 'test.echo',
        objectType: 'test',
        objectId: body.title,
      }),
    );
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('HTTP conventions', () => {
  let t: TestApp;
  const valid = { title: 'ok', count: 1, lines: [{ name: 'a' }] };

  beforeAll(async () => {
    t = await createTestApp({
      imports: [EchoModule],
      env: { CORS_ORIGINS: 'https://portal.example.gov.cn' },
    });
  });
  afterAll(async () => t.close());

  it('answers an unknown route with a problem+json 404 and echoes X-Request-Id', async () => {
    const res = await t.http.get('/api/v1/nothing-here').set('X-Request-Id', 'req-abc-1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('req-abc-1');
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: 'req-abc-1' });
  });

  it('makes up a request id when the caller sends none or an unsafe one', async () => {
    const none = await t.http.get('/api/v1/nothing-here');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await t.http.get('/api/v1/nothing-here').set('X-Request-Id', 'bad id\twith spaces');
    expect(unsafe.headers['x-request-id']).not.toContain(' ');
  });

  it('accepts a valid body and records the request id in the audit event', async () => {
    const res = await t.http.post('/api/v1/test/echo').set('X-Request-Id', 'req-audit-7').send(valid);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(valid);
    const rows = await t.dataSource.query(`SELECT request_id FROM audit_events WHERE action = 'test.echo'`);
    expect(rows).toEqual([{ request_id: 'req-audit-7' }]);
  });

  it('refuses an unknown field with 400 VALIDATION_FAILED naming it, and changes nothing', async () => {
    const res = await t.http
      .post('/api/v1/test/echo')
      .send({ ...valid, title: 'unknown-field', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ field: 'isAdmin', message: 'property isAdmin should not exist' }]);
    const rows = await t.dataSource.query(`SELECT 1 FROM audit_events WHERE object_id = 'unknown-field'`);
    expect(rows).toEqual([]);
  });

  it('refuses wrong types with a field error each, nested paths included', async () => {
    const res = await t.http.post('/api/v1/test/echo').send({ title: 5, count: '3', lines: [{ name: 7 }] });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'count', 'lines[0].name']));
  });

  it('answers malformed JSON with 400 MALFORMED_JSON and no stack', async () => {
    const res = await t.http.post('/api/v1/test/echo').set('Content-Type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });

  it('answers a 5 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ ...valid, title: 'x'.repeat(5 * 1024 * 1024) });
    const res = await t.http.post('/api/v1/test/echo').set('Content-Type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sets helmet security headers and answers CORS only for configured origins', async () => {
    const allowed = await t.http.get('/api/v1/nothing-here').set('Origin', 'https://portal.example.gov.cn');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-powered-by']).toBeUndefined();
    // Only versioned resources carry an ETag (for If-Match); Express's body hashes are off.
    expect(allowed.headers.etag).toBeUndefined();
    const other = await t.http.get('/api/v1/nothing-here').set('Origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
