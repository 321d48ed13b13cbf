// Splits a V8 CPU profile (node --cpu-prof) of a server under load into the groups ADR 0057's table
// shows: `node scripts/cpu-profile-summary.mjs <file.cpuprofile> [requests]`. Only the seconds more
// than half busy after start-up count (the load, not start-up or idle waits); each sample is charged to the
// nearest package or folder on its stack. With the number of requests served it prints ms each.
import { readFileSync } from 'node:fs';

const [file, requests] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpu-profile-summary.mjs <file.cpuprofile> [requests]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);

const SOCKET_WRITES = new Set([
  'writev',
  'writeBuffer',
  'writeString',
  'writeUtf8String',
  'writeLatin1String',
]);
const GROUPS = [
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-date|postgres-array)\//, 'pg driver'],
  [
    /node_modules\/(@nestjs\/(core|common|platform-fastify|throttler)|rxjs|reflect-metadata)\//,
    'Nest pipeline',
  ],
  [/node_modules\/(class-validator|class-transformer|validator)\//, 'query DTO validation'],
  [/node_modules\/@fastify\/(compress|cors|middie)\//, 'Fastify plugins'],
  [/node_modules\/(fastify|find-my-way|avvio|fast-querystring|@fastify\/)/, 'Fastify core'],
  [
    /node_modules\/(pino|sonic-boom|@pinojs|pino-std-serializers|nestjs-pino)\/|dist\/src\/infra\/logging\//,
    'completion log line',
  ],
  [
    /dist\/src\/(infra\/http|common\/(rate-limit|idempotency|concurrency|request-context|auth|errors))\//,
    'our hooks',
  ],
  [/dist\/src\/(modules|common\/pagination)\/|dist\/test\/bench\//, 'handler code'],
  [/node_modules\/ioredis\//, 'Redis'],
];

/** The first frame up the stack that is not Node's own: whose work a native or node: frame does. */
function owner(id) {
  for (let x = id; x; x = parents.get(x)) {
    const url = nodes.get(x).callFrame.url;
    if (url && !url.startsWith('node:')) return url;
  }
  return '';
}

function group(id) {
  const { functionName, url } = nodes.get(id).callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (SOCKET_WRITES.has(functionName)) return 'socket writes (syscalls)';
  if (/async_hooks/.test(url)) return 'AsyncLocalStorage / async hooks';
  const where = url && !url.startsWith('node:') ? url : owner(id);
  for (const [pattern, name] of GROUPS) if (pattern.test(where)) return name;
  if (['(program)', 'runMicrotasks', '(root)'].includes(functionName)) return 'VM and microtasks';
  return 'Node internals (http, streams, buffers, crypto)';
}

const samples = [];
let at = profile.startTime;
const seconds = new Map();
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  const second = Math.floor((at - profile.startTime) / 1e6);
  const idle = nodes.get(id).callFrame.functionName === '(idle)';
  samples.push({ id, dt, second, idle });
  const s = seconds.get(second) ?? { busy: 0, all: 0 };
  s.all += dt;
  if (!idle) s.busy += dt;
  seconds.set(second, s);
});
// Start-up is busy too: it ends at the first second that is mostly idle (the server waiting).
const ready = Math.min(...[...seconds].filter(([, s]) => s.busy / s.all <= 0.5).map(([second]) => second));
const loaded = new Set(
  [...seconds].filter(([second, s]) => second > ready && s.busy / s.all > 0.5).map(([second]) => second),
);
const totals = new Map();
let busy = 0;
for (const { id, dt, second, idle } of samples) {
  if (idle || !loaded.has(second)) continue;
  const name = group(id);
  totals.set(name, (totals.get(name) ?? 0) + dt);
  busy += dt;
}
console.log(`${loaded.size} loaded seconds, ${(busy / 1000).toFixed(0)} ms busy`);
for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1])) {
  const perRequest = requests ? `  ${(us / 1000 / Number(requests)).toFixed(3)} ms/req` : '';
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}${perRequest}`);
}
