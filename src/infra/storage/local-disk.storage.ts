import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../clock/clock';
import {
  assertStorageKey,
  contentTooLarge,
  InvalidStorageKeyError,
  StagedObject,
  StorageLimits,
  StorageService,
  StoredObject,
  StoredObjectMissingError,
  storageKeyOf,
} from './storage.service';

const STAGING_DIR = 'tmp';
const STAGING_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAGING_FILE = /^([0-9a-f-]{36})\.part$/;
/** Staging copies older than this were left by a process that died mid-upload. */
export const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

/**
 * Files under one directory (STORAGE_DIR): `<root>/<sha[0..2]>/<sha>` for content, `<root>/tmp/` for
 * staging copies. Both are on one file system, so commit is a rename (atomic). Content is fsynced
 * before it is renamed, and the directory after, so a crash never leaves a torn file under a key.
 * The directories are created on first use.
 */
export class LocalDiskStorage extends StorageService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Storage');
  readonly root: string;

  constructor(
    root: string,
    private readonly clock: Clock,
  ) {
    super();
    this.root = resolve(root);
  }

  async onApplicationBootstrap(): Promise<void> {
    const removed = await this.removeStaleStaging();
    if (removed) this.logger.log(`Removed ${removed} staging file(s) left by interrupted uploads`);
  }

  async stage(content: Readable, limits: StorageLimits): Promise<StagedObject> {
    // An error the source emits before the pipeline below listens must not go unhandled (and
    // crash the process); the pipeline still rejects with it, as the stream stays errored.
    const early = (): void => undefined;
    content.on('error', early);
    const stagingId = randomUUID();
    const path = this.stagingPath(stagingId);
    await mkdir(dirname(path), { recursive: true, mode: 0o750 });
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        sizeBytes += chunk.length;
        if (sizeBytes > limits.maxBytes) return callback(contentTooLarge(limits.maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o640, flush: true });
    const written = pipeline(content, meter, out);
    content.off('error', early);
    try {
      await written;
    } catch (error) {
      // The file may still be opening; remove it only once the stream has let go of it.
      if (!out.closed) await new Promise<void>((done) => out.once('close', () => done()));
      await rm(path, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    return { stagingId, key: storageKeyOf(sha256), sha256, sizeBytes };
  }

  async commit(staged: StagedObject): Promise<StoredObject> {
    const key = storageKeyOf(staged.sha256);
    if (staged.key !== key) throw new InvalidStorageKeyError(staged.key);
    const from = this.stagingPath(staged.stagingId);
    const to = this.objectPath(key);
    await mkdir(dirname(to), { recursive: true, mode: 0o750 });
    const existing = await stat(to).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return null;
      throw error;
    });
    if (existing?.isFile() && existing.size === staged.sizeBytes) {
      // Stored already (same hash): keep the first copy.
      await rm(from, { force: true });
    } else {
      // Two identical uploads may both get here: each rename atomically puts the same bytes in place.
      await rename(from, to);
      await this.syncDirectory(dirname(to));
    }
    return { key, sha256: staged.sha256, sizeBytes: staged.sizeBytes };
  }

  async discard(staged: StagedObject): Promise<void> {
    await rm(this.stagingPath(staged.stagingId), { force: true });
  }

  async open(key: string): Promise<Readable> {
    const path = this.objectPath(assertStorageKey(key));
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream();
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new StoredObjectMissingError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.objectPath(assertStorageKey(key)))).isFile();
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false;
      throw error;
    }
  }

  /** Deletes staging copies older than STALE_STAGING_MS; returns how many. */
  async removeStaleStaging(maxAgeMs = STALE_STAGING_MS): Promise<number> {
    const dir = join(this.root, STAGING_DIR);
    const names = await readdir(dir).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return [] as string[];
      throw error;
    });
    const cutoff = this.clock.now().getTime() - maxAgeMs;
    let removed = 0;
    for (const name of names) {
      if (!STAGING_FILE.test(name)) continue;
      const info = await stat(join(dir, name)).catch(() => null);
      if (info && info.mtimeMs < cutoff) {
        await rm(join(dir, name), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** The file of a key, checked to lie inside the root (keys are validated before they get here). */
  private objectPath(key: string): string {
    return this.inside(join(this.root, ...assertStorageKey(key).split('/')));
  }

  private stagingPath(stagingId: string): string {
    if (typeof stagingId !== 'string' || !STAGING_ID.test(stagingId)) {
      throw new InvalidStorageKeyError(String(stagingId));
    }
    return this.inside(join(this.root, STAGING_DIR, `${stagingId}.part`));
  }

  private inside(path: string): string {
    if (!path.startsWith(this.root + sep)) throw new InvalidStorageKeyError(path);
    return path;
  }

  private async syncDirectory(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
