/** The kinds of organization, a value list other modules' DTOs may use at run time (not the entity). */
export const ORGANIZATION_TYPES = [
  'government',
  'enterprise',
  'university',
  'research_institute',
  'service_center',
  'other',
] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];
