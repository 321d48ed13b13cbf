import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { chromium, Browser } from 'playwright-core';
import { ApiModule } from '../../src/api.module';
import { configureApp } from '../../src/app.setup';
import { createAdmin } from '../support/factories';
import { createTestApp, createTestEnvironment, TestApp } from '../support/test-app';
import { createHttpAdapter } from '../../src/infra/http/http-adapter';

/** A name that is not localhost: Chromium maps it to the loopback address itself (no DNS needed). */
const HOST_NAME = 'jiebang.test';

describe('the first hour', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  describe('Content-Security-Policy', () => {
    it('the browser pages get one that works over plain HTTP; the API keeps the strict default', async () => {
      for (const path of ['/docs', '/docs/swagger-ui-init.js', '/docs-json', '/api/v1/admin/queues']) {
        const csp = (await t.http.get(path)).headers['content-security-policy'];
        expect({ path, upgrades: csp.includes('upgrade-insecure-requests') }).toEqual({
          path,
          upgrades: false,
        });
        expect(csp).toContain("script-src 'self' 'unsafe-inline'");
      }
      for (const path of ['/api/v1', '/api/v1/challenges', '/health/live', '/api/v1/no-such-route']) {
        const csp = (await t.http.get(path)).headers['content-security-policy'];
        expect({ path, csp }).toEqual({ path, csp: expect.stringContaining('upgrade-insecure-requests') });
        expect(csp).toContain("script-src 'self';");
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      }
    });

    it('a path that merely starts like a page is not one', async () => {
      const csp = (await t.http.get('/docsx')).headers['content-security-policy'];
      expect(csp).toContain('upgrade-insecure-requests');
    });
  });

  describe('GET /api/v1', () => {
    it('answers 200 with the entry points, each of which answers', async () => {
      const answer = await t.http.get('/api/v1');
      expect(answer.status).toBe(200);
      expect(answer.body.links).toMatchObject({
        docs: '/docs',
        openapi: '/docs-json',
        readiness: '/health/ready',
        challenges: '/api/v1/challenges',
      });
      const POST_ONLY = ['login', 'loginMfa', 'passwordReset', 'acceptInvitation'];
      const document = (await t.http.get('/docs-json')).body as { paths: Record<string, { post?: unknown }> };
      for (const [name, path] of Object.entries(answer.body.links as Record<string, string>)) {
        if (POST_ONLY.includes(name)) {
          expect({ name, post: Boolean(document.paths[path]?.post) }).toEqual({ name, post: true });
          continue;
        }
        const status = (await t.http.get(path)).status;
        // Collections that need a caller answer 401, never 404.
        expect({ name, status: [200, 401].includes(status) }).toEqual({ name, status: true });
      }
    });

    it('is documented as a public operation', async () => {
      const document = (await t.http.get('/docs-json')).body as {
        paths: Record<string, { get?: { security?: unknown[]; responses: Record<string, unknown> } }>;
      };
      const operation = document.paths['/api/v1']?.get;
      expect(operation?.responses).toHaveProperty('200');
      // Public: no security requirement, where an authenticated collection names its schemes.
      expect(operation).not.toHaveProperty('security');
      expect(document.paths['/api/v1/users']?.get?.security).toEqual(
        expect.arrayContaining([{ bearer: [] }]),
      );
    });
  });

  describe('/docs in headless Chromium, over plain HTTP under a name other than localhost', () => {
    let browser: Browser;
    let port: number;
    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [`--host-resolver-rules=MAP ${HOST_NAME} 127.0.0.1`, '--no-proxy-server'],
      });
    }, 60_000);
    afterAll(async () => browser?.close());

    it('renders the operations, and the Authorize token survives a reload', async () => {
      const page = await browser.newPage();
      const url = `http://${HOST_NAME}:${port}/docs`;
      await page.goto(url);
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(10);

      await page.locator('button.authorize').first().click();
      await page.locator('.modal-ux input[type=text]').first().fill('a-token-to-keep');
      await page.locator('.modal-ux button.authorize').first().click();
      await page.reload();
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      const stored = await page.evaluate<string | null>("window.localStorage.getItem('authorized')");
      expect(stored).toContain('a-token-to-keep');
    }, 90_000);

    it('renders the queue dashboard for an admin', async () => {
      const admin = await createAdmin(t);
      const context = await browser.newContext({ extraHTTPHeaders: admin.headers });
      const page = await context.newPage();
      const blocked: string[] = [];
      page.on('console', (message) => {
        // bull-board links Google Fonts; kept out on purpose (no third-party requests), it falls back to system fonts.
        const text = message.text();
        if (text.includes('Content Security Policy') && !text.includes('fonts.googleapis.com'))
          blocked.push(text);
      });
      await page.goto(`http://${HOST_NAME}:${port}/api/v1/admin/queues`);
      await page.getByText('deadlines').first().waitFor({ timeout: 30_000 });
      expect(await page.getByText('outbound').count()).toBeGreaterThan(0);
      expect(blocked).toEqual([]);
      await context.close();
    }, 90_000);
  });
});

describe('booting the API', () => {
  it('logs no warning', async () => {
    // With an admin configured: "no admin exists" is a warning that boot rightly gives.
    const environment = await createTestEnvironment({
      env: { ADMIN_EMAIL: 'admin@first-hour.test', ADMIN_PASSWORD: 'a-long-enough-password' },
    });
    const warnings: string[] = [];
    const capture: LoggerService = {
      log: () => undefined,
      error: (message: unknown) => warnings.push(`error: ${String(message)}`),
      warn: (message: unknown) => warnings.push(`warn: ${String(message)}`),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [ApiModule.forRoot(environment.config)],
    }).compile();
    const app = moduleRef.createNestApplication(createHttpAdapter(environment.config), {
      bodyParser: false,
      logger: capture,
    });
    configureApp(app, environment.config);
    // configureApp hands Nest's logger to pino (silent in tests): listen in on the boot instead.
    app.useLogger(capture);
    try {
      await app.init();
    } finally {
      await app.close();
      await environment.drop();
    }
    expect(warnings).toEqual([]);
  }, 60_000);
});
