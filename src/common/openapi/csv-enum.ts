/**
 * OpenAPI for a query parameter that takes one value or several, comma-separated, of `values`
 * (`?status=open,closed`): a string with the exact pattern and the length of all values listed
 * once. Overrides the array the swagger plugin infers from the DTO's `T[]` type.
 */
export function csvEnumProperty(values: readonly string[]): {
  type: StringConstructor;
  isArray: false;
  enum: undefined;
  pattern: string;
  maxLength: number;
  example: string;
} {
  const one = values.join('|');
  return {
    type: String,
    isArray: false,
    enum: undefined,
    pattern: `^(${one})(,(${one}))*$`,
    maxLength: values.join(',').length,
    example: values.slice(0, 2).join(','),
  };
}
