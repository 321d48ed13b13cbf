import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
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

/**
 * What `kubectl kustomize DIR` builds (DIR under deploy/), each object marked with DIR as its file:
 * the overlays are rendered by kustomize itself, not by a re-implementation of it. kubectl is on
 * the CI machine; elsewhere the error says to install it.
 */
export function kustomizeBuild(dir: string): Manifest[] {
  const built = spawnSync('kubectl', ['kustomize', join(DEPLOY, dir)], { encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    throw new Error(
      `kubectl kustomize deploy/${dir} failed (${built.error?.message ?? built.stderr.trim()}): ` +
        'the manifest tests render the overlays with kubectl (install kubectl ≥ 1.27)',
    );
  }
  return parseAllDocuments(built.stdout).map(
    (document) => ({ file: dir, ...(document.toJS() as Record<string, unknown>) }) as Manifest,
  );
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
