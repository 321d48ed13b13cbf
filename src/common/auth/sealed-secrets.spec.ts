import { openSecret, sealSecret } from './sealed-secrets';

const SECRET = 'a-test-application-secret-of-32-characters';

describe('sealed secrets', () => {
  it('open to what was sealed, differently each time, without showing it', () => {
    const one = sealSecret(SECRET, 'jbp_token-value');
    const two = sealSecret(SECRET, 'jbp_token-value');
    expect(one).not.toBe(two);
    expect(one).not.toContain('jbp_token-value');
    expect(openSecret(SECRET, one)).toBe('jbp_token-value');
    expect(openSecret(SECRET, two)).toBe('jbp_token-value');
  });

  it('refuse another secret, a changed value and anything else', () => {
    const sealed = sealSecret(SECRET, 'jbp_token-value');
    expect(() => openSecret('another-application-secret-of-32-chars!', sealed)).toThrow();
    const [version, iv, body, tag] = sealed.split('.');
    const flipped = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    expect(() => openSecret(SECRET, [version, iv, flipped, tag].join('.'))).toThrow();
    expect(() => openSecret(SECRET, 'jbp_token-value')).toThrow();
  });
});
