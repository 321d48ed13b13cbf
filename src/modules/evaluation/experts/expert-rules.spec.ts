import { checkCollaborations, normalizeKeywords } from './expert-rules';

const A = 'org-a';
const B = 'org-b';
const fieldsOf = (errors: Array<{ field: string }>) => errors.map((e) => e.field);

describe('expert profile rules', () => {
  describe('declared collaborations', () => {
    const known = new Set([A, B]);

    it('accepts known organizations, ongoing or ended periods, one organization several times', () => {
      expect(
        checkCollaborations(
          [
            { organizationId: A, fromYear: 2019, toYear: 2021 },
            { organizationId: A, fromYear: 2024 },
            { organizationId: B, fromYear: 2025, toYear: null },
            { organizationId: B, fromYear: 2026, toYear: 2026 },
          ],
          known,
          'collaborations',
        ),
      ).toEqual([]);
      expect(checkCollaborations([], known, 'collaborations')).toEqual([]);
    });

    it('refuses an unknown organization and a period ending before it begins, each at its index', () => {
      const errors = checkCollaborations(
        [
          { organizationId: A, fromYear: 2020, toYear: 2021 },
          { organizationId: 'nowhere', fromYear: 2020, toYear: 2019 },
        ],
        known,
        'collaborations',
      );
      expect(fieldsOf(errors)).toEqual(['collaborations[1].organizationId', 'collaborations[1].toYear']);
      expect(errors[1].message).toContain('toYear (2019) must not be before fromYear (2020)');
    });
  });

  it('keeps keywords trimmed, without blanks, each once whatever its case, in the order given', () => {
    expect(normalizeKeywords([' 高温超导 ', 'HTS', '', '  ', 'hts', '高温超导', '稀土'])).toEqual([
      '高温超导',
      'HTS',
      '稀土',
    ]);
  });
});
