import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { DomainError } from '../../common/errors/domain-error';
import { Clock } from '../clock/clock';
import { LocalDiskStorage, STALE_STAGING_MS } from './local-disk.storage';
import { InvalidStorageKeyError, StoredObjectMissingError } from './storage.service';

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Content in several chunks, as a network stream delivers it. */
function chunked(content: Buffer, size = 7): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < content.length; i += size) chunks.push(content.subarray(i, i + size));
  return Readable.from(chunks);
}

/** Every file under a directory, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('LocalDiskStorage', () => {
  let root: string;
  let storage: LocalDiskStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'jiebang-storage-'));
    storage = new LocalDiskStorage(root, new Clock());
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('stores content under <sha[0..2]>/<sha>, with its size and SHA-256, and reads it back', async () => {
    const content = Buffer.from('揭榜挂帅 — challenge list\n'.repeat(100));
    const stored = await storage.put(chunked(content), { maxBytes: 1 << 20 });

    const hash = sha256(content);
    expect(stored).toEqual({ key: `${hash.slice(0, 2)}/${hash}`, sha256: hash, sizeBytes: content.length });
    expect(await filesUnder(root)).toEqual([join(hash.slice(0, 2), hash)]);
    expect(await storage.exists(stored.key)).toBe(true);
    expect(Buffer.from(await text(await storage.open(stored.key)))).toEqual(content);
  });

  it('stores the same content once, however often and however concurrently it is put', async () => {
    const content = Buffer.from('same bytes');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => storage.put(chunked(content, 3), { maxBytes: 100 })),
    );
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(await filesUnder(root)).toEqual([join(...results[0].key.split('/'))]);
    expect(await readFile(join(root, ...results[0].key.split('/')), 'utf8')).toBe('same bytes');
  });

  it('accepts content of exactly maxBytes, empty content too', async () => {
    expect((await storage.put(Readable.from([Buffer.alloc(10, 1)]), { maxBytes: 10 })).sizeBytes).toBe(10);
    const empty = await storage.put(Readable.from([]), { maxBytes: 10 });
    expect(empty).toMatchObject({ sizeBytes: 0, sha256: sha256('') });
  });

  it('aborts past maxBytes with PAYLOAD_TOO_LARGE and removes the partial file', async () => {
    const error = await storage
      .put(chunked(Buffer.alloc(1000, 7), 64), { maxBytes: 999 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', options: { extra: { maxBytes: 999 } } });
    expect(await filesUnder(root)).toEqual([]);
  });

  it('removes the partial file when the source fails mid-stream, and passes its error on', async () => {
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from('first part'));
    setImmediate(() => failing.destroy(new Error('connection reset')));
    await expect(storage.stage(failing, { maxBytes: 1000 })).rejects.toThrow('connection reset');
    expect(await filesUnder(root)).toEqual([]);
  });

  it('keeps staged content invisible until committed, and a discarded one leaves nothing', async () => {
    const staged = await storage.stage(Readable.from([Buffer.from('draft')]), { maxBytes: 100 });
    expect(await storage.exists(staged.key)).toBe(false);
    expect(await filesUnder(root)).toEqual([join('tmp', `${staged.stagingId}.part`)]);

    await storage.discard(staged);
    await storage.discard(staged); // twice is harmless
    expect(await filesUnder(root)).toEqual([]);

    const again = await storage.stage(Readable.from([Buffer.from('draft')]), { maxBytes: 100 });
    await storage.commit(again);
    expect(await storage.exists(again.key)).toBe(true);
    expect(await filesUnder(root)).toEqual([join(...again.key.split('/'))]);
  });

  it.each([
    ['../../etc/passwd'],
    ['/etc/passwd'],
    ['ab/../../secret'],
    [`ab/${'a'.repeat(64)}`], // directory does not match the hash
    [`${'A'.repeat(2)}/${'A'.repeat(64)}`], // upper case
    [`aa/${'a'.repeat(63)}`],
    [`aa/${'a'.repeat(64)}/x`],
    [''],
  ])('refuses the key %p without touching the file system', async (key) => {
    await expect(storage.open(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.exists(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });

  it('refuses a forged staging id or a key that does not match the hash', async () => {
    const staged = await storage.stage(Readable.from([Buffer.from('x')]), { maxBytes: 10 });
    await expect(storage.commit({ ...staged, stagingId: '../../outside' })).rejects.toBeInstanceOf(
      InvalidStorageKeyError,
    );
    await expect(storage.discard({ ...staged, stagingId: '../x' })).rejects.toBeInstanceOf(
      InvalidStorageKeyError,
    );
    await expect(storage.commit({ ...staged, key: `aa/${'a'.repeat(64)}` })).rejects.toBeInstanceOf(
      InvalidStorageKeyError,
    );
  });

  it('reports a missing object as StoredObjectMissingError, and exists() as false', async () => {
    const key = `${'b'.repeat(2)}/${'b'.repeat(64)}`;
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.open(key)).rejects.toBeInstanceOf(StoredObjectMissingError);
  });

  it('sweeps staging files left by interrupted uploads once they are a day old', async () => {
    const fresh = await storage.stage(Readable.from([Buffer.from('fresh')]), { maxBytes: 100 });
    const old = await storage.stage(Readable.from([Buffer.from('old')]), { maxBytes: 100 });
    const oldPath = join(root, 'tmp', `${old.stagingId}.part`);
    const past = new Date(Date.now() - STALE_STAGING_MS - 60_000);
    await utimes(oldPath, past, past);
    await writeFile(join(root, 'tmp', 'not-ours.txt'), 'left alone');

    expect(await storage.removeStaleStaging()).toBe(1);
    expect(await stat(oldPath).catch(() => null)).toBeNull();
    expect(await filesUnder(join(root, 'tmp'))).toEqual([`${fresh.stagingId}.part`, 'not-ours.txt'].sort());
  });

  it('creates its directories on first use, so a fresh STORAGE_DIR needs no setup', async () => {
    const nested = new LocalDiskStorage(join(root, 'a', 'b'), new Clock());
    expect(await nested.removeStaleStaging()).toBe(0);
    const stored = await nested.put(Readable.from([Buffer.from('hello')]), { maxBytes: 10 });
    expect(await nested.exists(stored.key)).toBe(true);
  });
});
