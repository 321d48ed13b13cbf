import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import {
  attachmentDisposition,
  ContentInspector,
  MAX_FILENAME_LENGTH,
  normalizeMediaType,
  sanitizeFilename,
  servedContentType,
} from './upload-rules';

const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Runs content through the inspector one byte at a time (signatures split across chunks). */
async function inspect(contentType: string, content: Buffer): Promise<Buffer> {
  const chunks = Array.from(content, (byte) => Buffer.from([byte]));
  const inspector = new ContentInspector(contentType);
  const [, out] = await Promise.all([pipeline(Readable.from(chunks), inspector), buffer(inspector)]);
  return out;
}

async function refusal(contentType: string, content: Buffer): Promise<unknown> {
  return inspect(contentType, content).then(
    () => 'accepted',
    (error: { code?: string }) => error.code,
  );
}

describe('ContentInspector', () => {
  it.each([
    ['application/pdf', PDF],
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['application/zip', ZIP],
    [DOCX, ZIP],
    ['text/plain', Buffer.from('申报指南\r\n第一条 …\n')],
    ['text/plain', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('带 BOM 的文本')])],
    ['image/gif', Buffer.from('GIF89a')], // allowed by an operator, no signature known: declaration trusted
  ])('passes %s content through unchanged', async (type, content) => {
    expect(await inspect(type, content)).toEqual(content);
  });

  it.each([
    ['application/pdf', PNG, 'PNG declared as PDF'],
    ['image/png', PDF, 'PDF declared as PNG'],
    ['image/jpeg', ZIP, 'ZIP declared as JPEG'],
    [DOCX, PDF, 'PDF declared as DOCX'],
    ['application/pdf', Buffer.from('%PD'), 'shorter than the signature'],
    ['text/plain', PNG, 'binary declared as text'],
    ['text/plain', Buffer.from('abc\u0000def'), 'a NUL byte'],
    ['text/plain', Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), 'GBK, not UTF-8'],
    ['text/plain', Buffer.from([0x61, 0xe4, 0xb8]), 'a UTF-8 sequence cut off at the end'],
  ])('refuses %s with UNSUPPORTED_MEDIA_TYPE (%#: %s)', async (type, content) => {
    expect(await refusal(type, content)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses empty content with VALIDATION_FAILED', async () => {
    expect(await refusal('text/plain', Buffer.alloc(0))).toBe('VALIDATION_FAILED');
  });
});

describe('sanitizeFilename', () => {
  it.each([
    ['项目申报书（终稿）.pdf', '项目申报书（终稿）.pdf'],
    ['C:\\Users\\张三\\Desktop\\方案.docx', '方案.docx'],
    ['../../etc/passwd', 'passwd'],
    ['  report\r\n.pdf  ', 'report.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'], // right-to-left override used to fake "exe.pdf"
    ['a\u0000b\u007f\u0085c.txt', 'abc.txt'],
    ['e\u0301.txt', '\u00e9.txt'], // NFC
    ['..', ''],
    ['/', ''],
    ['\u0001\u0002', ''],
    [undefined, ''],
  ])('%p → %p', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it('cuts long names to 255 characters, keeping the extension and whole code points', () => {
    const long = `${'中'.repeat(300)}.pdf`;
    const cut = sanitizeFilename(long);
    expect(Array.from(cut)).toHaveLength(MAX_FILENAME_LENGTH);
    expect(cut.endsWith('中.pdf')).toBe(true);
    const emoji = sanitizeFilename('😀'.repeat(300));
    expect(Array.from(emoji)).toHaveLength(MAX_FILENAME_LENGTH);
    expect(emoji).toBe('😀'.repeat(MAX_FILENAME_LENGTH));
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987)', () => {
    expect(attachmentDisposition('项目申报书.pdf')).toBe(
      `attachment; filename="_____.pdf"; filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf`,
    );
    expect(attachmentDisposition(`a "b" (c)*'d'%.txt`)).toBe(
      `attachment; filename="a _b_ (c)*'d'_.txt"; filename*=UTF-8''a%20%22b%22%20%28c%29%2A%27d%27%25.txt`,
    );
  });

  it('round-trips through decodeURIComponent', () => {
    const name = '2025年度·揭榜挂帅 (final) [v2].docx';
    const encoded = /filename\*=UTF-8''(.+)$/.exec(attachmentDisposition(name))?.[1] ?? '';
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(decodeURIComponent(encoded)).toBe(name);
  });
});

describe('media types', () => {
  it('normalizes the declared type and serves text as UTF-8', () => {
    expect(normalizeMediaType(' Image/PNG; charset=binary')).toBe('image/png');
    expect(normalizeMediaType(undefined)).toBe('');
    expect(servedContentType('text/plain')).toBe('text/plain; charset=utf-8');
    expect(servedContentType('application/pdf')).toBe('application/pdf');
  });
});
