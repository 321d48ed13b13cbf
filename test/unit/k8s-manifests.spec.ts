import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HealthController } from '../../src/modules/platform/health/health.controller';
import { LIVENESS_PATH } from '../../src/infra/http/liveness';
import { envSchema, parseConfig } from '../../src/infra/config/config.schema';
import { MIGRATIONS_PENDING_EXIT_CODE } from '../../src/infra/database/migrate';
import {
  Container,
  DEPLOY,
  kindKey,
  loadDeploy,
  Manifest,
  mebibytes,
  PodTemplate,
  kustomizeBuild,
  ROOT,
  schemaErrors,
  unknownFields,
} from '../support/k8s-manifests';

/** deploy/ (docs/adr/0067), checked as the API server would check it, and against the code. */
const { manifests, kustomizations, patches } = loadDeploy();
const find = (kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`deploy/ has no ${kind} ${name}`);
  return found;
};
const template = (workload: Manifest): PodTemplate => (workload.spec as { template: PodTemplate }).template;
const api = find('Deployment', 'jiebang-api');
const worker = find('Deployment', 'jiebang-worker');
const migrateJob = find('Job', 'jiebang-migrate');
const revertJob = find('Job', 'jiebang-migrate-revert-last');
const configMap = find('ConfigMap', 'jiebang-config').data as Record<string, string>;
const secret = find('Secret', 'jiebang-secrets').stringData as Record<string, string>;
const workloads = [api, worker, migrateJob, revertJob];
const mainContainer = (workload: Manifest): Container => template(workload).spec.containers[0];
const containersOf = (objects: Manifest[]): Container[] =>
  objects
    .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
    .flatMap((w) => [...(template(w).spec.initContainers ?? []), ...template(w).spec.containers]);
const allContainers = containersOf(workloads);

/** The environment a container starts with: the ConfigMap, then its own env, secrets from the example. */
function environmentOf(
  container: Container,
  withOptional: boolean,
  config: Record<string, string> = configMap,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    expect(source.configMapRef?.name).toBe('jiebang-config');
    Object.assign(env, config);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref && (withOptional || !ref.optional)) env[variable.name] = secret[ref.key];
    else if (variable.value !== undefined) env[variable.name] = variable.value;
  }
  return env;
}

/**
 * Each Redis mode (docs/adr/0066) has an example overlay and its rollback/ overlay; the two others
 * are the standalone overlay with a component of deploy/components/. Rendered as kustomize would.
 */
const REDIS_MODES = [
  { mode: 'single', overlay: 'overlays/production' },
  { mode: 'sentinel', overlay: 'overlays/production-redis-sentinel' },
  { mode: 'cluster', overlay: 'overlays/production-redis-cluster' },
] as const;
const variants = REDIS_MODES.map(({ mode, overlay }) => {
  const main = kustomizeBuild(overlay);
  const config = main.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'jiebang-config')!;
  return {
    mode,
    overlay,
    main,
    rollback: kustomizeBuild(`${overlay}/rollback`),
    configMap: config.data as Record<string, string>,
  };
});
const ids = (objects: Manifest[]): string[] => objects.map((m) => `${kindKey(m)} ${m.metadata.name}`).sort();

const port = (container: Container, name: string | number): number =>
  typeof name === 'number' ? name : container.ports!.find((p) => p.name === name)!.containerPort;

describe('deploy/: Kubernetes manifests', () => {
  it('holds the objects the platform needs, each of a kind whose schema is checked', () => {
    expect(manifests.map((m) => `${kindKey(m)} ${m.metadata.name}`).sort()).toEqual([
      'apps/v1/Deployment jiebang-api',
      'apps/v1/Deployment jiebang-worker',
      'autoscaling/v2/HorizontalPodAutoscaler jiebang-api',
      'batch/v1/Job jiebang-migrate',
      'batch/v1/Job jiebang-migrate-revert-last',
      'policy/v1/PodDisruptionBudget jiebang-api',
      'policy/v1/PodDisruptionBudget jiebang-worker',
      'v1/ConfigMap jiebang-config',
      'v1/PersistentVolumeClaim jiebang-files',
      'v1/Secret jiebang-secrets',
      'v1/Service jiebang-api',
    ]);
  });

  it('validates every manifest against the Kubernetes schema of its kind', () => {
    expect(manifests.map((m) => ({ file: m.file, errors: schemaErrors(m) }))).toEqual(
      manifests.map((m) => ({ file: m.file, errors: null })),
    );
    // The validator is live: a replica count that is not an integer is refused.
    const broken = { ...api, spec: { ...(api.spec as object), replicas: 'two' } } as Manifest;
    expect(schemaErrors(broken)).toMatch(/replicas must be integer/);
  });

  it('uses no field the Kubernetes API does not have (strict, as kubectl --validate=strict)', () => {
    const typo = JSON.parse(JSON.stringify(worker)) as Manifest;
    const container = mainContainer(typo) as Container & { readinesProbe?: unknown };
    container.readinesProbe = container.readinessProbe;
    expect(unknownFields([...manifests, typo])).toEqual([
      expect.stringMatching(
        /^base\/worker-deployment\.yaml Deployment\/jiebang-worker: .*'"?readinesProbe"?' does not exist/,
      ),
    ]);
  });

  it('lists every manifest in a kustomization, with paths that exist and one image for a release', () => {
    const listed = new Set<string>();
    for (const [file, kustomization] of kustomizations) {
      const dir = join(DEPLOY, file, '..');
      const paths = [
        ...((kustomization.resources ?? []) as string[]),
        ...((kustomization.components ?? []) as string[]),
        ...((kustomization.patches ?? []) as Array<{ path?: string }>).flatMap((p) =>
          p.path ? [p.path] : [],
        ),
      ];
      for (const resource of paths) {
        expect({ file, resource, exists: existsSync(join(dir, resource)) }).toEqual({
          file,
          resource,
          exists: true,
        });
        listed.add(join(dir, resource));
      }
    }
    // The components' patches are fragments: rendered and checked below (each Redis mode).
    expect([...patches].every((file) => file.startsWith('components/'))).toBe(true);
    const unlisted = manifests
      .map((m) => m.file)
      .filter((file) => !listed.has(join(DEPLOY, file)) && !listed.has(join(DEPLOY, file, '..')));
    // The Secret is the operator's (created from the secret store), never applied from the repository.
    expect(unlisted).toEqual(['secret.example.yaml']);
    const base = kustomizations.get('base/kustomization.yaml')!.resources as string[];
    expect(base.sort()).toEqual(
      readdirSync(join(DEPLOY, 'base'))
        .filter((f) => f !== 'kustomization.yaml')
        .sort(),
    );
    const images = [...kustomizations.values()].filter((k) => k.images).map((k) => JSON.stringify(k.images));
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(new Set(images).size).toBe(1);
    const imageName = (
      kustomizations.get('overlays/production/kustomization.yaml')!.images as Array<{ name: string }>
    )[0].name;
    for (const container of allContainers) expect(container.image.split(':')[0]).toBe(imageName);
  });

  it('runs the image’s entry points: the API, the worker, and the migration CLI in the Job and the init containers', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(mainContainer(api).command).replace(/,/g, ', ')}`);
    expect(mainContainer(worker).command).toEqual(['node', 'dist/src/worker.js']);
    expect(mainContainer(migrateJob).command).toEqual(['node', 'dist/src/infra/database/migrate-cli.js']);
    expect(mainContainer(revertJob).command).toEqual([
      'node',
      'dist/src/infra/database/migrate-cli.js',
      '--revert-last',
    ]);
    for (const entry of ['main', 'worker', 'infra/database/migrate-cli'])
      expect(existsSync(join(ROOT, 'src', `${entry}.ts`))).toBe(true);
    for (const workload of [api, worker]) {
      // Each waits, in an init container, until the Job has migrated (exit MIGRATIONS_PENDING_EXIT_CODE meanwhile).
      expect(MIGRATIONS_PENDING_EXIT_CODE).not.toBe(0);
      expect(template(workload).spec.initContainers!.map((c) => c.command)).toEqual([
        ['node', 'dist/src/infra/database/migrate-cli.js', '--check'],
      ]);
    }
  });

  it('probes the API on the paths and port the code serves', () => {
    const container = mainContainer(api);
    const readyPath = `/${Reflect.getMetadata('path', HealthController) as string}/${
      Reflect.getMetadata('path', HealthController.prototype.ready) as string
    }`;
    expect(readyPath).toBe('/health/ready');
    expect(container.livenessProbe!.httpGet.path).toBe(LIVENESS_PATH);
    expect(container.startupProbe!.httpGet.path).toBe(LIVENESS_PATH);
    expect(container.readinessProbe!.httpGet.path).toBe(readyPath);
    for (const probe of [container.startupProbe!, container.livenessProbe!, container.readinessProbe!]) {
      expect(port(container, probe.httpGet.port)).toBe(parseConfig(environmentOf(container, false)).PORT);
    }
    const service = find('Service', 'jiebang-api').spec as {
      selector: Record<string, string>;
      ports: Array<{ targetPort: string }>;
    };
    expect(template(api).metadata.labels).toMatchObject(service.selector);
    for (const { targetPort } of service.ports)
      expect(container.ports!.map((p) => p.name)).toContain(targetPort);
  });

  it('probes the worker on its METRICS_PORT, and has Prometheus scrape both processes there', () => {
    const probes = mainContainer(worker);
    expect(probes.livenessProbe!.httpGet.path).toBe(LIVENESS_PATH);
    expect(probes.readinessProbe!.httpGet.path).toBe('/health/ready');
    for (const workload of [api, worker]) {
      const container = mainContainer(workload);
      const metricsPort = Number(environmentOf(container, false).METRICS_PORT);
      expect(metricsPort).toBeGreaterThan(0);
      expect(port(container, 'metrics')).toBe(metricsPort);
      expect(template(workload).metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(metricsPort),
        'prometheus.io/path': '/metrics',
      });
    }
    expect(port(probes, probes.readinessProbe!.httpGet.port)).toBe(port(probes, 'metrics'));
    expect(port(probes, probes.livenessProbe!.httpGet.port)).toBe(port(probes, 'metrics'));
  });

  it('gives every container a configuration the process accepts, in production, without migrating at start', () => {
    const required = Object.entries(envSchema.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'JWT_ACCESS_SECRET']));
    for (const container of allContainers) {
      for (const withOptional of [false, true]) {
        const env = environmentOf(container, withOptional);
        expect({
          container: container.name,
          unknown: Object.keys(env).filter((n) => !(n in envSchema.shape)),
        }).toEqual({
          container: container.name,
          unknown: [],
        });
        for (const name of required)
          expect({ container: container.name, name, set: name in env }).toMatchObject({ set: true });
        const config = parseConfig(env);
        expect(config).toMatchObject({ NODE_ENV: 'production', MIGRATE_ON_START: false, LOG_FORMAT: 'json' });
      }
    }
  });

  it('takes secrets by reference from one Secret, whose example names every key referenced', () => {
    const referenced = new Set<string>();
    for (const container of [
      ...allContainers,
      ...variants.flatMap((v) => containersOf([...v.main, ...v.rollback])),
    ]) {
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe('jiebang-secrets');
        expect(ref.key).toBe(variable.name);
        referenced.add(ref.key);
      }
    }
    expect([...referenced].sort()).toEqual(Object.keys(secret).sort());
    for (const name of [
      'DATABASE_URL',
      'REDIS_URL',
      'JWT_ACCESS_SECRET',
      'MFA_SECRET_KEY',
      'SMTP_URL',
      'ADMIN_PASSWORD',
      'REDIS_PASSWORD',
      'REDIS_SENTINEL_PASSWORD',
    ]) {
      expect({ name, inConfigMap: name in configMap }).toEqual({ name, inConfigMap: false });
      expect(referenced).toContain(name);
    }
  });

  it('requests the memory ADR 0057 measured, and lets the pods stop within their grace', () => {
    const adr = readFileSync(join(ROOT, 'docs/adr/0057-performance-goals-measured.md'), 'utf8');
    const measured = (row: string): number[] =>
      [...new RegExp(`\\| ${row}\\s*\\|([^|]*)\\|`).exec(adr)![1].matchAll(/(\d+) MB/g)].map((m) =>
        Number(m[1]),
      );
    const apiRss = Math.max(...measured('API RSS under the list load'));
    const workerRss = Math.max(...measured('worker RSS during the drain'));
    expect([apiRss, workerRss]).toEqual([322, 270]);
    const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;
    const apiResources = mainContainer(api).resources;
    const workerResources = mainContainer(worker).resources;
    expect(mb(mebibytes(apiResources.requests.memory))).toBeGreaterThanOrEqual(apiRss);
    expect(mb(mebibytes(workerResources.requests.memory))).toBeGreaterThanOrEqual(workerRss);
    // The API's limit leaves room for four concurrent argon2id hashes at PASSWORD_HASH_MEMORY_KIB.
    const hashMib = Number(configMap.PASSWORD_HASH_MEMORY_KIB) / 1024;
    expect(mebibytes(apiResources.limits.memory)).toBeGreaterThanOrEqual(
      mebibytes(apiResources.requests.memory) + 4 * hashMib,
    );
    for (const container of allContainers) {
      expect(mebibytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(
        mebibytes(container.resources.requests.memory),
      );
    }
    const grace = Number(configMap.SHUTDOWN_GRACE_MS) / 1000;
    const preStop = Number(mainContainer(api).lifecycle!.preStop!.exec!.command[1]);
    expect(template(api).spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + grace);
    expect(template(worker).spec.terminationGracePeriodSeconds).toBeGreaterThan(grace);
  });

  it('scales the API with an HPA and keeps it and the worker available through disruptions', () => {
    const hpa = find('HorizontalPodAutoscaler', 'jiebang-api').spec as {
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
    };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'jiebang-api' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    // PostgreSQL connections at the HPA's ceiling stay within a default max_connections (100) plus headroom.
    const workers = (worker.spec as { replicas: number }).replicas;
    expect((hpa.maxReplicas + workers) * Number(configMap.DATABASE_POOL_MAX)).toBeLessThanOrEqual(200);
    for (const [workload, name] of [
      [api, 'jiebang-api'],
      [worker, 'jiebang-worker'],
    ] as const) {
      const pdb = find('PodDisruptionBudget', name).spec as {
        selector: { matchLabels: Record<string, string> };
      };
      expect(template(workload).metadata.labels).toMatchObject(pdb.selector.matchLabels);
      expect(
        (workload.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
      ).toEqual(pdb.selector.matchLabels);
    }
  });
});

describe('deploy/: one overlay per Redis mode (REDIS_MODE single, sentinel, cluster)', () => {
  it('has an example overlay and its rollback overlay per mode, and every component in one of them', () => {
    const overlays = [...kustomizations.keys()]
      .filter((file) => /^overlays\/[^/]+\/kustomization\.yaml$/.test(file))
      .map((file) => file.replace(/\/kustomization\.yaml$/, ''));
    expect(overlays.sort()).toEqual(REDIS_MODES.map((m) => m.overlay).sort());
    for (const overlay of overlays)
      expect(kustomizations.has(`${overlay}/rollback/kustomization.yaml`)).toBe(true);
    const components = [...kustomizations]
      .filter(([, k]) => k.kind === 'Component')
      .map(([file]) => file.replace(/\/kustomization\.yaml$/, ''));
    expect(components.sort()).toEqual(['components/redis-cluster', 'components/redis-sentinel']);
    for (const { mode, overlay } of REDIS_MODES.filter((m) => m.mode !== 'single')) {
      for (const dir of [overlay, `${overlay}/rollback`]) {
        const used = (kustomizations.get(`${dir}/kustomization.yaml`)!.components as string[]).map((c) =>
          join(dir, c),
        );
        expect({ dir, used }).toEqual({ dir, used: [`components/redis-${mode}`] });
      }
    }
  });

  it('renders the objects the standalone overlay has, in every mode, each valid against its schema, strictly', () => {
    const standalone = variants[0];
    for (const variant of variants) {
      expect({ overlay: variant.overlay, ids: ids(variant.main) }).toEqual({
        overlay: variant.overlay,
        ids: ids(manifests.filter((m) => m.file.startsWith('base/'))),
      });
      expect(ids(variant.rollback)).toEqual(['batch/v1/Job jiebang-migrate-revert-last']);
      for (const m of [...variant.main, ...variant.rollback]) {
        expect({ overlay: variant.overlay, object: m.metadata.name, errors: schemaErrors(m) }).toEqual({
          overlay: variant.overlay,
          object: m.metadata.name,
          errors: null,
        });
        expect(m.metadata).toMatchObject({
          namespace: 'jiebang',
          labels: { 'app.kubernetes.io/part-of': 'jiebang' },
        });
      }
      // The Redis settings are all a mode changes: same images, probes, resources, volumes.
      const withoutRedis = (objects: Manifest[]): string =>
        JSON.stringify(
          objects.map(({ file: _file, ...object }) => object),
          (key, value: unknown) =>
            key === 'env'
              ? (value as Array<{ name: string }>).filter((e) => !e.name.startsWith('REDIS_'))
              : key === 'data'
                ? Object.fromEntries(
                    Object.entries(value as object).filter(([name]) => !name.startsWith('REDIS_')),
                  )
                : value,
        );
      expect(withoutRedis(variant.main)).toEqual(withoutRedis(standalone.main));
    }
    expect(
      unknownFields(
        variants.flatMap((v) =>
          [...v.main, ...v.rollback].map((m) => ({ ...m, file: `${v.overlay} (${m.file})` })),
        ),
      ),
    ).toEqual([]);
  });

  it('renders the standalone overlay as deploy/base is written: one REDIS_URL from the Secret', () => {
    const { main, rollback, configMap: rendered } = variants[0];
    expect(rendered).toEqual(configMap);
    const [image] = kustomizations.get('overlays/production/kustomization.yaml')!.images as Array<{
      newName: string;
      newTag: string;
    }>;
    for (const workload of workloads) {
      const built = [...main, ...rollback].find(
        (m) => m.kind === workload.kind && m.metadata.name === workload.metadata.name,
      )!;
      expect(template(built).spec).toEqual(
        JSON.parse(
          JSON.stringify(template(workload).spec).replace(
            /"image":"jiebang:local"/g,
            `"image":"${image.newName}:${image.newTag}"`,
          ),
        ),
      );
    }
  });

  it.each(variants.map((v) => [v.mode, v] as const))(
    'starts every container of the %s overlay and its rollback with a configuration the app accepts in that mode',
    (mode, variant) => {
      const containers = containersOf([...variant.main, ...variant.rollback]);
      expect(containers.map((c) => c.name).sort()).toEqual([
        'api',
        'migrate',
        'migrate',
        'wait-for-migrations',
        'wait-for-migrations',
        'worker',
      ]);
      for (const container of containers) {
        for (const variable of container.env ?? []) {
          const key = variable.valueFrom?.secretKeyRef?.key;
          if (key) expect({ key, inExample: key in secret }).toEqual({ key, inExample: true });
        }
        for (const withOptional of [false, true]) {
          const env = environmentOf(container, withOptional, variant.configMap);
          const config = parseConfig(env);
          expect({ container: container.name, mode: config.REDIS_MODE }).toEqual({
            container: container.name,
            mode,
          });
          if (mode === 'single') {
            expect(config.REDIS_URL).toBe(secret.REDIS_URL);
            continue;
          }
          // Neither from the container's env nor from the ConfigMap: the app refuses it in this mode.
          expect({ container: container.name, REDIS_URL: 'REDIS_URL' in env }).toEqual({
            container: container.name,
            REDIS_URL: false,
          });
          expect(config.REDIS_URL).toBeUndefined();
          expect(config.REDIS_PASSWORD).toBe(secret.REDIS_PASSWORD);
          expect(config.REDIS_USERNAME).toBe(withOptional ? secret.REDIS_USERNAME : undefined);
          if (mode === 'sentinel') {
            expect(config.REDIS_SENTINELS!.length).toBeGreaterThanOrEqual(1);
            expect(config.REDIS_SENTINEL_NAME).toBeTruthy();
            expect(config.REDIS_SENTINEL_PASSWORD).toBe(
              withOptional ? secret.REDIS_SENTINEL_PASSWORD : undefined,
            );
          } else {
            expect(config.REDIS_CLUSTER_NODES!.length).toBeGreaterThanOrEqual(1);
            expect(config.REDIS_SENTINELS).toBeUndefined();
          }
        }
      }
    },
  );

  it('needs the component: the standalone pods with a sentinel or cluster ConfigMap are refused', () => {
    for (const variant of variants.filter((v) => v.mode !== 'single')) {
      expect(() => parseConfig(environmentOf(mainContainer(api), false, variant.configMap))).toThrow(
        `REDIS_URL: not used when REDIS_MODE=${variant.mode}`,
      );
    }
  });
});
