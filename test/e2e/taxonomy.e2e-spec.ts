import { DomainError } from '../../src/common/errors/domain-error';
import { TaxonomyService } from '../../src/modules/platform/taxonomy/taxonomy.service';
import { Actor, auditRows, createAdmin, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const SEEDED_CHAINS = [
  ['electronic_information', '电子信息'],
  ['aviation', '航空'],
  ['automotive_equipment', '汽车和装备'],
  ['nonferrous_metals', '有色金属'],
  ['rare_earths', '稀土'],
  ['new_energy', '新能源'],
  ['new_materials', '新材料'],
  ['biomedicine', '生物医药'],
  ['traditional_chinese_medicine', '中医药'],
  ['virtual_reality', '虚拟现实(VR)'],
  ['optoelectronics_led', '半导体照明/光电(LED)'],
  ['new_energy_vehicles', '新能源汽车'],
];

interface Term {
  code: string;
  nameZh: string;
  nameEn: string;
  sortOrder: number;
  active: boolean;
  version: number;
}

describe('taxonomy', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
  });
  afterAll(async () => t.close());

  async function chains(query = ''): Promise<Term[]> {
    const res = await t.http.get(`/api/v1/industry-chains?limit=100${query}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.items as Term[];
  }

  describe('public reads', () => {
    it('lists the seeded industry chains to anyone, in order', async () => {
      const items = await chains();
      expect(items.map((c) => [c.code, c.nameZh])).toEqual(SEEDED_CHAINS);
      expect(items[0]).toMatchObject({
        nameEn: 'Electronic information',
        sortOrder: 10,
        active: true,
        version: 1,
      });
    });

    it('lists the seeded categories to anyone', async () => {
      const res = await t.http.get('/api/v1/categories');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          expect.objectContaining({ code: 'key_technology', nameZh: '关键技术类', active: true }),
          expect.objectContaining({ code: 'enterprise_demand', nameZh: '企业需求类', active: true }),
        ],
        nextCursor: null,
      });
    });

    it('pages with a cursor in display order', async () => {
      const first = await t.http.get('/api/v1/industry-chains?limit=5');
      expect(first.body.items).toHaveLength(5);
      const second = await t.http.get(
        `/api/v1/industry-chains?limit=5&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(second.status).toBe(200);
      expect(second.body.items.map((c: Term) => c.code)).toEqual(
        SEEDED_CHAINS.slice(5, 10).map(([code]) => code),
      );
    });

    it('refuses a bad includeInactive value', async () => {
      const res = await t.http.get('/api/v1/categories?includeInactive=maybe');
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['includeInactive']);
    });
  });

  describe('admin maintenance', () => {
    it('creates, renames and retires an industry chain, each change audited', async () => {
      const created = await t.http.post('/api/v1/industry-chains').set(admin.headers).send({
        code: 'low_altitude_economy',
        nameZh: '低空经济',
        nameEn: 'Low-altitude economy',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        code: 'low_altitude_economy',
        sortOrder: 130,
        active: true,
        version: 1,
      });
      expect(created.headers.etag).toBe('"1"');

      t.clock.advance(60_000);
      const renamed = await t.http
        .patch('/api/v1/industry-chains/low_altitude_economy')
        .set(admin.headers)
        .set('If-Match', '"1"')
        .send({ nameZh: '低空经济产业', sortOrder: 15 });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ nameZh: '低空经济产业', sortOrder: 15, version: 2 });
      expect((await chains()).map((c) => c.code).slice(0, 2)).toEqual([
        'electronic_information',
        'low_altitude_economy',
      ]);

      t.clock.advance(60_000);
      const retired = await t.http
        .patch('/api/v1/industry-chains/low_altitude_economy')
        .set(admin.headers)
        .set('If-Match', '"2"')
        .send({ active: false });
      expect(retired.status).toBe(200);
      expect(retired.body).toMatchObject({ active: false, version: 3 });
      expect((await chains()).map((c) => c.code)).not.toContain('low_altitude_economy');
      expect(
        (await chains('&includeInactive=true')).find((c) => c.code === 'low_altitude_economy'),
      ).toMatchObject({
        active: false,
      });

      const creation = await auditRows(t, 'industry_chain.created', 'low_altitude_economy');
      expect(creation).toEqual([expect.objectContaining({ actor_type: 'user', actor_id: admin.userId })]);
      expect(await auditRows(t, 'industry_chain.updated', 'low_altitude_economy')).toHaveLength(2);
      const [last] = await t.dataSource.query(
        `SELECT before, after FROM audit_events WHERE action = 'industry_chain.updated' AND object_id = $1
         ORDER BY occurred_at DESC, id DESC LIMIT 1`,
        ['low_altitude_economy'],
      );
      expect(last.before).toMatchObject({ active: true, version: 2 });
      expect(last.after).toMatchObject({ active: false, version: 3 });
    });

    it('creates and retires a category', async () => {
      const created = await t.http
        .post('/api/v1/categories')
        .set(admin.headers)
        .send({ code: 'basic_research', nameZh: '基础研究类', nameEn: 'Basic research', sortOrder: 5 });
      expect(created.status).toBe(201);
      const list = await t.http.get('/api/v1/categories');
      expect(list.body.items.map((c: Term) => c.code)).toEqual([
        'basic_research',
        'key_technology',
        'enterprise_demand',
      ]);
      const retired = await t.http
        .patch('/api/v1/categories/basic_research')
        .set(admin.headers)
        .send({ active: false });
      expect(retired.status).toBe(200);
      expect(await auditRows(t, 'category.created', 'basic_research')).toHaveLength(1);
      expect(await auditRows(t, 'category.updated', 'basic_research')).toHaveLength(1);
    });

    it('answers 409 to a stale If-Match and changes nothing', async () => {
      const res = await t.http
        .patch('/api/v1/industry-chains/aviation')
        .set(admin.headers)
        .set('If-Match', '"7"')
        .send({ nameEn: 'Aerospace' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('VERSION_MISMATCH');
      expect((await chains()).find((c) => c.code === 'aviation')).toMatchObject({
        nameEn: 'Aviation',
        version: 1,
      });
    });

    it.each([
      [{ code: 'Bad-Code', nameZh: '坏', nameEn: 'Bad' }, 'code'],
      [{ code: 'x', nameZh: '短', nameEn: 'Short' }, 'code'],
      [{ code: '9lives', nameZh: '数字', nameEn: 'Digit first' }, 'code'],
      [{ code: 'no_names' }, 'nameZh'],
      [{ code: 'extra_field', nameZh: '多', nameEn: 'Extra', colour: 'red' }, 'colour'],
      [{ code: 'null_order', nameZh: '空', nameEn: 'Null', sortOrder: null }, 'sortOrder'],
    ])('refuses %p with 400 on %s', async (body, field) => {
      const res = await t.http.post('/api/v1/industry-chains').set(admin.headers).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses a duplicate code with 409 and a changed code with 400', async () => {
      const duplicate = await t.http
        .post('/api/v1/industry-chains')
        .set(admin.headers)
        .send({ code: 'aviation', nameZh: '航空', nameEn: 'Aviation' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('ALREADY_EXISTS');
      const rename = await t.http
        .patch('/api/v1/industry-chains/aviation')
        .set(admin.headers)
        .send({ code: 'air' });
      expect(rename.status).toBe(400);
    });

    it('answers 404 for an unknown code', async () => {
      const res = await t.http
        .patch('/api/v1/categories/no_such_thing')
        .set(admin.headers)
        .send({ active: false });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('refuses non-admins (403) and anonymous callers (401)', async () => {
      const create = await t.http
        .post('/api/v1/industry-chains')
        .set(issuer.headers)
        .send({ code: 'sneaky', nameZh: '偷', nameEn: 'Sneaky' });
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('FORBIDDEN');
      const patch = await t.http
        .patch('/api/v1/categories/key_technology')
        .set(issuer.headers)
        .send({ active: false });
      expect(patch.status).toBe(403);
      const anonymous = await t.http.patch('/api/v1/categories/key_technology').send({ active: false });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('TaxonomyService checks for other modules', () => {
    async function fieldErrors(check: () => Promise<void>): Promise<unknown> {
      try {
        await check();
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return { code: (error as DomainError).code, errors: (error as DomainError).options.errors };
      }
    }

    it('accepts active codes and refuses unknown or retired ones on the referencing field', async () => {
      const taxonomy = t.get(TaxonomyService);
      const em = t.dataSource.manager;
      expect(await fieldErrors(() => taxonomy.assertActiveIndustryChain(em, 'rare_earths'))).toBe('accepted');
      expect(await fieldErrors(() => taxonomy.assertActiveCategory(em, 'key_technology'))).toBe('accepted');
      expect(await fieldErrors(() => taxonomy.assertActiveIndustryChain(em, 'key_technology'))).toEqual({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'industryChain', message: expect.any(String) }],
      });

      await t.http.post('/api/v1/categories').set(admin.headers).send({
        code: 'retired_kind',
        nameZh: '停用',
        nameEn: 'Retired',
        active: false,
      });
      expect(await fieldErrors(() => taxonomy.assertActiveCategory(em, 'retired_kind'))).toEqual({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'category', message: 'category retired_kind is no longer in use' }],
      });
    });
  });
});
