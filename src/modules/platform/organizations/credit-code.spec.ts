import { creditCodeCheckChar, isValidCreditCode } from './credit-code';

describe('unified social credit code (GB 32100-2015)', () => {
  it.each([
    ['91350100M000100Y43'], // a Fujian enterprise, the standard's worked example
    ['11100000000013127D'], // 科学技术部 (Ministry of Science and Technology)
    ['91110000802100433B'], // 中国石油化工股份有限公司
    ['12100000400000624D'], // 中国科学院 public institution
  ])('accepts the real code %s', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
  });

  it.each([
    ['91350100M000100Y42', 'wrong check character'],
    // Often quoted as the ministry's code, but its check character is D, not F.
    ['11100000000013127F', 'wrong check character'],
    ['91350100M000100Y4', 'too short'],
    ['91350100M000100Y433', 'too long'],
    ['91350100m000100Y43', 'lower case'],
    ['9135010OM000100Y43', 'letter O in the division code'],
    ['91350100I000100Y43', 'letter I is not in the alphabet'],
    ['', 'empty'],
    [12345, 'not a string'],
  ])('refuses %s (%s)', (code: unknown, _why: string) => {
    expect(isValidCreditCode(code)).toBe(false);
  });

  it('computes 0 when the remainder is 0 and refuses characters outside the alphabet', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91350100M000100YS')).toBeNull();
    expect(creditCodeCheckChar('short')).toBeNull();
  });
});
