import { Readable } from 'node:stream';
import { DomainError } from '../../common/errors/domain-error';

/** What a stored object is known by: `key` is derived from the content's SHA-256, never from a name. */
export interface StoredObject {
  key: string;
  sizeBytes: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
}

/** Content received in full and hashed, but not yet visible under its key: commit or discard it. */
export interface StagedObject extends StoredObject {
  /** Identifies the staging copy; opaque to callers. */
  readonly stagingId: string;
}

export interface StorageLimits {
  /** Content longer than this is refused with PAYLOAD_TOO_LARGE and nothing is kept. */
  maxBytes: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const KEY = /^([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** A key that is not `<sha[0..2]>/<sha>`: a programming or data error, never something to resolve as a path. */
export class InvalidStorageKeyError extends Error {
  constructor(what: string) {
    super(`Not a valid storage key: ${JSON.stringify(what.slice(0, 80))}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** The database references content the store does not have: a fault on our side (lost or unrestored files). */
export class StoredObjectMissingError extends Error {
  constructor(key: string) {
    super(`Stored object ${key} is missing`);
    this.name = 'StoredObjectMissingError';
  }
}

/** The content-addressed key of a SHA-256: `ab/ab12…` (fan-out by the first two hex digits). */
export function storageKeyOf(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new InvalidStorageKeyError(sha256);
  return `${sha256.slice(0, 2)}/${sha256}`;
}

/** Checks a key's shape (and that its directory matches its hash); returns it unchanged. */
export function assertStorageKey(key: string): string {
  const match = typeof key === 'string' ? KEY.exec(key) : null;
  if (!match || match[2].slice(0, 2) !== match[1]) throw new InvalidStorageKeyError(String(key));
  return key;
}

export function contentTooLarge(maxBytes: number): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `The content is larger than the limit of ${maxBytes} bytes`, {
    extra: { maxBytes },
  });
}

/**
 * Where file contents live, content-addressed by SHA-256: the same bytes are stored once, whoever
 * uploads them and however often. The abstract class is the injection token; LocalDiskStorage is
 * the default and an object store (S3, OSS, MinIO) can replace it (docs/adr/0017).
 *
 * Writing is two-phase so that a refused request leaves nothing behind: `stage()` streams the
 * content to a private staging copy while hashing and counting it, `commit()` makes it visible
 * under its key (atomically; a second identical commit is harmless), `discard()` drops it.
 * `put()` is stage + commit for callers with nothing to check in between.
 */
export abstract class StorageService {
  /** Streams `content` to staging; past `maxBytes` aborts, removes what was written and throws PAYLOAD_TOO_LARGE. */
  abstract stage(content: Readable, limits: StorageLimits): Promise<StagedObject>;

  /** Makes a staged object readable under its key. Idempotent for identical content. */
  abstract commit(staged: StagedObject): Promise<StoredObject>;

  /** Removes a staged copy (nothing happens if it was committed or discarded already). */
  abstract discard(staged: StagedObject): Promise<void>;

  /** The content under `key`; throws StoredObjectMissingError when it is not there. */
  abstract open(key: string): Promise<Readable>;

  abstract exists(key: string): Promise<boolean>;

  async put(content: Readable, limits: StorageLimits): Promise<StoredObject> {
    const staged = await this.stage(content, limits);
    try {
      return await this.commit(staged);
    } catch (error) {
      await this.discard(staged);
      throw error;
    }
  }
}
