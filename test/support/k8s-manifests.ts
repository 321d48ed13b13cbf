import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';

/**
 * Kubernetes manifests of deploy/, checked with no cluster (docs/adr/0067): each against the
 * Kubernetes API's schema of its kind (kubernetes-models: validators generated from the official
 * OpenAPI document, compiled by ajv), and — as `kubectl --validate=strict` would — refusing fields
 * the API does not have, by type-checking the manifest as an object literal of the kind's type.
 */
export const ROOT = join(__dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy');

interface KindModel {
  validate(): void;
}

/** The kinds deploy/ uses: apiVersion/kind → the model that validates it, and its TypeScript type. */
export const KINDS: Record<string, { model: new (data: never) => KindModel; module: string; type: string }> =
  {
    'v1/ConfigMap': { model: ConfigMap, module: 'v1/ConfigMap', type: 'IConfigMap' },
    'v1/Secret': { model: Secret, module: 'v1/Secret', type: 'ISecret' },
    'v1/Service': { model: Service, module: 'v1/Service', type: 'IService' },
    'v1/PersistentVolumeClaim': {
      model: PersistentVolumeClaim,
      module: 'v1/PersistentVolumeClaim',
      type: 'IPersistentVolumeClaim',
    },
    'apps/v1/Deployment': { model: Deployment, module: 'apps/v1/Deployment', type: 'IDeployment' },
    'batch/v1/Job': { model: Job, module: 'batch/v1/Job', type: 'IJob' },
    'autoscaling/v2/HorizontalPodAutoscaler': {
      model: HorizontalPodAutoscaler,
      module: 'autoscaling/v2/HorizontalPodAutoscaler',
      type: 'IHorizontalPodAutoscaler',
    },
    'policy/v1/PodDisruptionBudget': {
      model: PodDisruptionBudget,
      module: 'policy/v1/PodDisruptionBudget',
      type: 'IPodDisruptionBudget',
    },
  };

export interface Manifest {
  /** Path under deploy/, e.g. base/api-deployment.yaml. */
  file: string;
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? yamlFiles(join(dir, entry.name))
      : /\.ya?ml$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

function readDocuments(path: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((document) => {
    if (document.errors.length) throw new Error(`${relative(DEPLOY, path)}: ${document.errors[0].message}`);
    const data = document.toJS() as Record<string, unknown> | null;
    return data ? [data] : [];
  });
}

const isKustomization = (file: string): boolean => /(^|\/)kustomization\.ya?ml$/.test(file);

/** A kustomization's patches: a file (`path`) or inline (`patch`), applied to `target`. */
export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: { kind: string; name: string };
}

/**
 * Every YAML document of deploy/ as written: the manifests, and apart from them the kustomization
 * files and the patches they name (fragments, checked once rendered: renderKustomization).
 */
export function loadDeploy(): {
  manifests: Manifest[];
  kustomizations: Map<string, Record<string, unknown>>;
  patches: Set<string>;
} {
  const manifests: Manifest[] = [];
  const kustomizations = new Map<string, Record<string, unknown>>();
  const files = yamlFiles(DEPLOY).map((path) => relative(DEPLOY, path));
  for (const file of files.filter(isKustomization))
    kustomizations.set(file, readDocuments(join(DEPLOY, file))[0]);
  const patches = new Set(
    [...kustomizations].flatMap(([file, k]) =>
      ((k.patches ?? []) as PatchEntry[]).flatMap((p) => (p.path ? [join(file, '..', p.path)] : [])),
    ),
  );
  for (const file of files.filter((f) => !isKustomization(f) && !patches.has(f)))
    for (const data of readDocuments(join(DEPLOY, file))) manifests.push({ file, ...data } as Manifest);
  return { manifests, kustomizations, patches };
}

type Json = Record<string, unknown>;
const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);

/**
 * A strategic merge patch as kustomize applies it, for what deploy/ patches: maps merge, `null`
 * removes a key, lists of objects with a `name` (containers, env, volumes) merge by name — an
 * element with `$patch: delete` removes its namesake, new elements go first (kustomize's order) —
 * and any other list is replaced.
 */
export function strategicMerge(target: Json, patch: Json): Json {
  const merged = clone(target);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = strategicMerge(merged[key], value);
    else if (
      Array.isArray(value) &&
      Array.isArray(merged[key]) &&
      value.every((v) => isMap(v) && 'name' in v)
    )
      merged[key] = mergeByName(merged[key] as Json[], value as Json[]);
    else merged[key] = clone(value);
  }
  return merged;
}

function mergeByName(target: Json[], patch: Json[]): Json[] {
  const result = target.map(clone);
  const added: Json[] = [];
  for (const { $patch: directive, ...element } of patch) {
    const at = result.findIndex((item) => item.name === element.name);
    if (directive === 'delete') {
      if (at >= 0) result.splice(at, 1);
    } else if (directive !== undefined) throw new Error(`unsupported $patch: ${JSON.stringify(directive)}`);
    else if (at >= 0) result[at] = strategicMerge(result[at], element);
    else added.push(clone(element));
  }
  return [...added, ...result];
}

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'patches',
  'namespace',
  'images',
  'labels',
]);

function podSpecs(manifest: Manifest): Array<{ containers: Json[]; initContainers?: Json[] }> {
  const spec = (manifest.spec as { template?: { spec?: { containers: Json[] } } } | undefined)?.template
    ?.spec;
  return spec ? [spec] : [];
}

/**
 * What `kubectl kustomize DIR` builds, for the features deploy/ uses (resources, components,
 * patches with a target, namespace, images, labels on metadata); any other field is refused rather
 * than ignored. `file` of each manifest is the file it came from, under deploy/. The spec compares
 * the result with kubectl's own build where kubectl is installed.
 */
export function renderKustomization(dir: string, input: Manifest[] = []): Manifest[] {
  const file = ['kustomization.yaml', 'kustomization.yml'].find((f) => existsSync(join(dir, f)));
  if (!file) throw new Error(`${relative(DEPLOY, dir)}: no kustomization.yaml`);
  const k = readDocuments(join(dir, file))[0] as {
    kind?: string;
    resources?: string[];
    components?: string[];
    patches?: PatchEntry[];
    namespace?: string;
    images?: Array<{ name: string; newName?: string; newTag?: string }>;
    labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }>;
  };
  const unsupported = Object.keys(k).filter((field) => !KUSTOMIZATION_FIELDS.has(field));
  if (unsupported.length) throw new Error(`${relative(DEPLOY, dir)}: unsupported ${unsupported.join(', ')}`);
  let manifests = [...input];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) manifests.push(...renderKustomization(path));
    else
      manifests.push(
        ...readDocuments(path).map((data) => ({ file: relative(DEPLOY, path), ...data }) as Manifest),
      );
  }
  for (const component of k.components ?? []) {
    const componentDir = join(dir, component);
    const kind = (readDocuments(join(componentDir, 'kustomization.yaml'))[0] as { kind?: string }).kind;
    if (kind !== 'Component') throw new Error(`${relative(DEPLOY, componentDir)} is not a Component`);
    manifests = renderKustomization(componentDir, manifests);
  }
  for (const entry of k.patches ?? []) {
    const patch = (entry.path ? readDocuments(join(dir, entry.path))[0] : parse(entry.patch!)) as Manifest;
    const target = entry.target ?? { kind: patch.kind, name: patch.metadata.name };
    const name = new RegExp(`^(?:${target.name})$`);
    const matches = (m: Manifest): boolean => m.kind === target.kind && name.test(m.metadata.name);
    // With no target the patch names its object, which must exist; a target may match nothing.
    if (!entry.target && !manifests.some(matches))
      throw new Error(`patch of missing ${target.kind} ${target.name}`);
    const {
      apiVersion: _v,
      kind: _k,
      metadata: { name: _n, ...metadata },
      ...body
    } = patch;
    manifests = manifests.map((m) =>
      matches(m) ? (strategicMerge(m, { ...body, metadata }) as Manifest) : m,
    );
  }
  for (const { pairs, includeSelectors, includeTemplates } of k.labels ?? []) {
    if (includeSelectors || includeTemplates) throw new Error('labels: only metadata labels are supported');
    for (const m of manifests) m.metadata.labels = { ...m.metadata.labels, ...pairs };
  }
  for (const image of k.images ?? []) {
    for (const spec of manifests.flatMap(podSpecs)) {
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        const [, name, tag] = /^([^:@]+)(?::([^@]+))?$/.exec(container.image as string) ?? [];
        if (name !== image.name) continue;
        const newTag = image.newTag ?? tag;
        container.image = `${image.newName ?? name}${newTag ? `:${newTag}` : ''}`;
      }
    }
  }
  if (k.namespace) for (const m of manifests) m.metadata.namespace = k.namespace;
  return manifests;
}

export function kindKey(manifest: Pick<Manifest, 'apiVersion' | 'kind'>): string {
  return `${manifest.apiVersion}/${manifest.kind}`;
}

/** The schema's complaint about a manifest, or null when it conforms. */
export function schemaErrors(manifest: Manifest): string | null {
  const kind = KINDS[kindKey(manifest)];
  if (!kind) return `no schema for ${kindKey(manifest)}`;
  const { file: _file, ...data } = manifest;
  try {
    new kind.model(data as never).validate();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Fields the kind's type does not have (TypeScript's excess-property check on object literals, all
 * manifests in one program): one line per problem, naming the manifest, empty when there is none.
 */
export function unknownFields(manifests: Manifest[]): string[] {
  const file = join(ROOT, 'test', '__k8s-manifests-check.ts');
  const used = [...new Set(manifests.map(kindKey))].filter((key) => KINDS[key]);
  const lines = used.map(
    (key) => `import type { ${KINDS[key].type} } from 'kubernetes-models/${KINDS[key].module}';`,
  );
  manifests.forEach((manifest, i) => {
    const { file: _file, ...data } = manifest;
    const type = KINDS[kindKey(manifest)]?.type ?? 'never';
    lines.push(`// ${manifest.file} ${manifest.kind}/${manifest.metadata.name}`);
    lines.push(`export const m${i}: ${type} = ${JSON.stringify(data)};`);
  });
  const source = lines.join('\n');
  const host = ts.createCompilerHost({});
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : read(name, language, ...rest);
  const program = ts.createProgram(
    [file],
    {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      types: [],
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
    },
    host,
  );
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : -1;
    const origin = line > 0 ? source.split('\n')[line - 1].replace(/^\/\/ /, '') : '?';
    return `${origin}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

/** The parts of a pod template the tests read. */
export interface Probe {
  httpGet: { path: string; port: string | number };
}
export interface Container {
  name: string;
  image: string;
  command: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
  }>;
  resources: { requests: { memory: string; cpu?: string }; limits: { memory: string } };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; terminationGracePeriodSeconds?: number };
}

/** MiB, from a Kubernetes memory quantity (Mi or Gi). */
export function mebibytes(quantity: string): number {
  const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(quantity) ?? [];
  if (!amount) throw new Error(`unexpected quantity ${quantity}`);
  return Number(amount) * (unit === 'Gi' ? 1024 : 1);
}
