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
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
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

/** Every YAML document of deploy/, kustomization files apart. */
export function loadDeploy(): {
  manifests: Manifest[];
  kustomizations: Map<string, Record<string, unknown>>;
} {
  const manifests: Manifest[] = [];
  const kustomizations = new Map<string, Record<string, unknown>>();
  for (const path of yamlFiles(DEPLOY)) {
    const file = relative(DEPLOY, path);
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
      const data = document.toJS() as Record<string, unknown> | null;
      if (!data) continue;
      if (/(^|\/)kustomization\.ya?ml$/.test(file)) kustomizations.set(file, data);
      else manifests.push({ file, ...data } as Manifest);
    }
  }
  return { manifests, kustomizations };
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
