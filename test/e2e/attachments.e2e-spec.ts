import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'superagent';
import { AttachmentsService } from '../../src/modules/platform/attachments/attachments.service';
import { Actor, auditRows, createAdmin, createUser, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const MAX_BYTES = 256 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A small but well-formed-looking PDF, unique per call so dedupe does not hide anything. */
function pdf(label = randomBytes(8).toString('hex')): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
    Buffer.from(`1 0 obj << /Title (${label}) >> endobj\n`),
    randomBytes(3000),
    Buffer.from('\n%%EOF\n'),
  ]);
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** supertest: the response body as raw bytes, whatever its type. */
function binary(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream; // in Node, superagent hands the parser the raw response
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('attachments', () => {
  let t: TestApp;
  let storageDir: string;
  let admin: Actor;
  let issuer: Actor;
  let colleague: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    t = await createTestApp({ env: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES) } });
    storageDir = t.environment.config.STORAGE_DIR;
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    colleague = await createUser(t, issuer.organizationId, ['issuer']);
    stranger = await registerOrg(t, { role: 'applicant' });
  });
  afterAll(async () => {
    await t.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  function upload(actor: Actor, content: Buffer, filename: string, contentType: string) {
    return t.http
      .post('/api/v1/attachments')
      .set(actor.headers)
      .attach('file', content, { filename, contentType });
  }

  async function rowCount(): Promise<number> {
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM attachments');
    return count as number;
  }

  /** Every file in STORAGE_DIR, relative: committed objects and staging copies. */
  async function storedFiles(): Promise<string[]> {
    const entries = await readdir(storageDir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(storageDir.length + 1))
      .sort();
  }

  /** Runs a refused upload and checks that it left neither a row nor a file. */
  async function refused(send: () => Promise<Response>, status: number, code: string): Promise<Response> {
    const rowsBefore = await rowCount();
    const filesBefore = await storedFiles();
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await rowCount()).toBe(rowsBefore);
    expect(await storedFiles()).toEqual(filesBefore);
    return res;
  }

  describe('upload and download', () => {
    const filename = '项目申报书（2025年度）.pdf';
    const content = pdf();
    /** The PDF uploaded by the issuer for the test at hand: its id. */
    const uploaded = async (): Promise<string> => {
      const res = await upload(issuer, content, filename, 'application/pdf');
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    it('stores a PDF with a Chinese name: 201 with its size and SHA-256, audited, content-addressed on disk', async () => {
      const res = await upload(issuer, content, filename, 'application/pdf');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        filename,
        contentType: 'application/pdf',
        sizeBytes: content.length,
        sha256: sha256(content),
        createdAt: t.clock.now().toISOString(),
      });
      const id = res.body.id as string;

      const [row] = await t.dataSource.query('SELECT * FROM attachments WHERE id = $1', [id]);
      expect(row).toMatchObject({
        organization_id: issuer.organizationId,
        uploaded_by: issuer.userId,
        size_bytes: String(content.length),
        storage_key: `${sha256(content).slice(0, 2)}/${sha256(content)}`,
      });
      const audit = await auditRows(t, 'attachment.uploaded', id);
      expect(audit).toEqual([expect.objectContaining({ actor_type: 'user', actor_id: issuer.userId })]);
      expect(await readFile(join(storageDir, row.storage_key))).toEqual(content);
      expect((await storedFiles()).filter((f) => f.startsWith('tmp'))).toEqual([]);
    });

    it('lets the uploader download identical bytes, with download headers and the UTF-8 name', async () => {
      const id = await uploaded();
      const res = await t.http
        .get(`/api/v1/attachments/${id}/content`)
        .set(issuer.headers)
        .buffer(true)
        .parse(binary);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, content)).toBe(0);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-length']).toBe(String(content.length));
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers.etag).toBeUndefined();
    });

    it('shows metadata to the uploader, a colleague in the same organization and an admin', async () => {
      const id = await uploaded();
      for (const actor of [issuer, colleague, admin]) {
        const res = await t.http.get(`/api/v1/attachments/${id}`).set(actor.headers);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id, filename, sizeBytes: content.length });
      }
      const asAdmin = await t.http
        .get(`/api/v1/attachments/${id}/content`)
        .set(admin.headers)
        .buffer(true)
        .parse(binary);
      expect(asAdmin.status).toBe(200);
      expect(Buffer.compare(asAdmin.body as Buffer, content)).toBe(0);
    });

    it("answers 404 to another organization's user, for metadata and content alike", async () => {
      const id = await uploaded();
      for (const path of [`/api/v1/attachments/${id}`, `/api/v1/attachments/${id}/content`]) {
        const res = await t.http.get(path).set(stranger.headers);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
        expect(res.headers['content-disposition']).toBeUndefined();
      }
      expect((await t.http.get('/api/v1/attachments/not-a-uuid').set(issuer.headers)).status).toBe(404);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await t.http.get(`/api/v1/attachments/${unknown}/content`).set(admin.headers)).status).toBe(
        404,
      );
      expect((await t.http.get(`/api/v1/attachments/${id}`)).status).toBe(401);
    });

    it('stores identical content once: two rows, two organizations, one object, even concurrently', async () => {
      const shared = pdf('shared');
      const [a, b] = await Promise.all([
        upload(issuer, shared, 'a.pdf', 'application/pdf'),
        upload(stranger, shared, 'b.pdf', 'application/pdf'),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
      expect(a.body.sha256).toBe(b.body.sha256);
      const hash = sha256(shared);
      expect((await storedFiles()).filter((f) => f.includes(hash))).toEqual([join(hash.slice(0, 2), hash)]);
      const res = await t.http
        .get(`/api/v1/attachments/${b.body.id}/content`)
        .set(stranger.headers)
        .buffer(true)
        .parse(binary);
      expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''b.pdf`);
      expect(Buffer.compare(res.body as Buffer, shared)).toBe(0);
    });

    it('accepts UTF-8 text and an OOXML document, serving text as UTF-8', async () => {
      const text = Buffer.from('揭榜挂帅 申报说明\n第一条：……\n');
      const txt = await upload(stranger, text, '说明.txt', 'text/plain');
      expect(txt.status).toBe(201);
      const res = await t.http
        .get(`/api/v1/attachments/${txt.body.id}/content`)
        .set(stranger.headers)
        .buffer(true)
        .parse(binary);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect((res.body as Buffer).toString('utf8')).toBe(text.toString('utf8'));

      const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(200)]);
      const doc = await upload(stranger, docx, '实施方案.docx', DOCX);
      expect(doc.status).toBe(201);
      expect(doc.body.contentType).toBe(DOCX);
    });

    it('strips path and control characters from the file name', async () => {
      const res = await upload(issuer, pdf(), '..\\..\\evil\u202Efdp.exe.pdf', 'application/pdf');
      expect(res.status).toBe(201);
      expect(res.body.filename).toBe('evilfdp.exe.pdf');
    });
  });

  describe('refusals leave neither row nor file', () => {
    it('refuses an expert with 403 before reading the body', async () => {
      const expert = await createUser(t, issuer.organizationId, ['expert']);
      await refused(() => upload(expert, pdf(), 'x.pdf', 'application/pdf'), 403, 'FORBIDDEN');
    });

    it('refuses an API key with 403 (people only)', async () => {
      const created = await t.http
        .post('/api/v1/api-keys')
        .set(admin.headers)
        .send({ name: 'portal', organizationId: issuer.organizationId });
      expect(created.status).toBe(201);
      await refused(
        () =>
          t.http
            .post('/api/v1/attachments')
            .set('X-Api-Key', created.body.key as string)
            .attach('file', pdf(), { filename: 'x.pdf', contentType: 'application/pdf' }),
        403,
        'FORBIDDEN',
      );
    });

    it('refuses a file over ATTACHMENT_MAX_BYTES with 413', async () => {
      const big = Buffer.concat([pdf(), randomBytes(MAX_BYTES)]);
      await refused(() => upload(issuer, big, '大文件.pdf', 'application/pdf'), 413, 'PAYLOAD_TOO_LARGE');
      const exact = Buffer.concat([pdf()]);
      const atLimit = Buffer.concat([exact, randomBytes(MAX_BYTES - exact.length)]);
      expect((await upload(issuer, atLimit, 'exact.pdf', 'application/pdf')).status).toBe(201);
    });

    it('refuses a type outside the allow-list with 415', async () => {
      const res = await refused(
        () => upload(issuer, Buffer.from('MZ\x90\x00'), 'setup.exe', 'application/x-msdownload'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expect(res.body.allowedTypes).toContain('application/pdf');
      await refused(
        () => upload(issuer, Buffer.from('<script>alert(1)</script>'), 'x.html', 'text/html'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('refuses content that contradicts its declared type with 415: PNG bytes declared as PDF', async () => {
      await refused(() => upload(issuer, PNG, '伪装.pdf', 'application/pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await refused(() => upload(issuer, PNG, 'x.txt', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const gbk = Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x0a]); // "中文" in GBK, not UTF-8
      await refused(() => upload(issuer, gbk, 'gbk.txt', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a missing file with 400 VALIDATION_FAILED naming the field `file`', async () => {
      const noFile = await refused(
        () => t.http.post('/api/v1/attachments').set(issuer.headers).field('note', 'no file here'),
        400,
        'VALIDATION_FAILED',
      );
      expect(noFile.body.errors).toEqual([{ field: 'file', message: expect.any(String) }]);
      const json = await refused(
        () => t.http.post('/api/v1/attachments').set(issuer.headers).send({ file: 'x' }),
        400,
        'VALIDATION_FAILED',
      );
      expect(json.body.errors).toEqual([{ field: 'file', message: expect.any(String) }]);
    });

    it('refuses an empty file with 400', async () => {
      const res = await refused(
        () => upload(issuer, Buffer.alloc(0), 'empty.txt', 'text/plain'),
        400,
        'VALIDATION_FAILED',
      );
      expect(res.body.errors).toEqual([{ field: 'file', message: 'file must not be empty' }]);
    });

    it('refuses a file in another field, or a second file, with 400 and discards what was staged', async () => {
      await refused(
        () =>
          t.http
            .post('/api/v1/attachments')
            .set(issuer.headers)
            .attach('document', pdf(), { filename: 'x.pdf', contentType: 'application/pdf' }),
        400,
        'BAD_REQUEST',
      );
      await refused(
        () =>
          t.http
            .post('/api/v1/attachments')
            .set(issuer.headers)
            .attach('file', pdf(), { filename: 'one.pdf', contentType: 'application/pdf' })
            .attach('file', pdf(), { filename: 'two.pdf', contentType: 'application/pdf' }),
        400,
        'BAD_REQUEST',
      );
    });
  });

  describe('for other modules', () => {
    it('findOwnedByOrganization returns them in order, or names each missing or foreign one', async () => {
      const first = (await upload(issuer, pdf(), '1.pdf', 'application/pdf')).body.id as string;
      const second = (await upload(issuer, pdf(), '2.pdf', 'application/pdf')).body.id as string;
      const foreign = (await upload(stranger, pdf(), 'f.pdf', 'application/pdf')).body.id as string;
      const service = t.get(AttachmentsService);

      const found = await service.findOwnedByOrganization(
        t.dataSource.manager,
        [second, first],
        issuer.organizationId,
      );
      expect(found.map((a) => a.id)).toEqual([second, first]);
      expect(typeof found[0].sizeBytes).toBe('number');

      const error = await service
        .findOwnedByOrganization(
          t.dataSource.manager,
          [first, foreign, 'nonsense', '00000000-0000-4000-8000-000000000000'],
          issuer.organizationId,
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        options: {
          errors: [
            { field: 'attachments[1].attachmentId' },
            { field: 'attachments[2].attachmentId' },
            { field: 'attachments[3].attachmentId' },
          ],
        },
      });
      expect(await service.findById('nonsense')).toBeNull();
    });

    it('documents the upload as multipart/form-data with a binary `file` in OpenAPI', async () => {
      const doc = await t.http.get('/docs-json');
      const post = doc.body.paths['/api/v1/attachments'].post;
      const schema = post.requestBody.content['multipart/form-data'].schema;
      const ref = (schema.$ref as string | undefined)?.split('/').pop();
      const body = ref ? doc.body.components.schemas[ref] : schema;
      expect(body.properties.file).toMatchObject({ type: 'string', format: 'binary' });
      expect(Object.keys(post.responses)).toEqual(
        expect.arrayContaining(['201', '400', '403', '413', '415']),
      );
      expect(doc.body.paths['/api/v1/attachments/{id}/content'].get.responses['200']).toBeDefined();
    });
  });
});
