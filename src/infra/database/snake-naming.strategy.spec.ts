import { snakeCase, SnakeNamingStrategy } from './snake-naming.strategy';

describe('snake_case naming', () => {
  it.each([
    ['organizationId', 'organization_id'],
    ['tokenVersion', 'token_version'],
    ['APIKey', 'api_key'],
    ['creditCode18', 'credit_code18'],
    ['already_snake', 'already_snake'],
  ])('%s → %s', (input, output) => expect(snakeCase(input)).toBe(output));

  it('names tables, embedded columns and primary keys', () => {
    const strategy = new SnakeNamingStrategy();
    expect(strategy.tableName('RefreshToken', undefined)).toBe('refresh_token');
    expect(strategy.tableName('RefreshToken', 'refresh_tokens')).toBe('refresh_tokens');
    expect(strategy.columnName('fiscalFen', undefined, ['budget'])).toBe('budget_fiscal_fen');
    expect(strategy.primaryKeyName('public.users')).toBe('pk_users');
  });
});
