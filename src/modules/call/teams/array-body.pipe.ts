import { PipeTransform, Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { flattenValidationErrors } from '../../../common/errors/validation';

/**
 * Validates a body that is a JSON array of `item` (the global ValidationPipe skips arrays): each
 * element with the same rules as an object body (unknown fields refused), errors as `[2].name`.
 */
export class ArrayBodyPipe<T extends object> implements PipeTransform<unknown, Promise<T[]>> {
  constructor(
    private readonly item: Type<T>,
    private readonly maxItems: number,
  ) {}

  async transform(value: unknown): Promise<T[]> {
    if (!Array.isArray(value)) {
      throw DomainError.validation([{ field: 'body', message: 'the body must be a JSON array' }]);
    }
    if (value.length > this.maxItems) {
      throw DomainError.validation([
        { field: 'body', message: `the body must contain no more than ${this.maxItems} elements` },
      ]);
    }
    const errors: FieldError[] = [];
    const items: T[] = [];
    for (const [i, element] of value.entries()) {
      if (typeof element !== 'object' || element === null || Array.isArray(element)) {
        errors.push({ field: `[${i}]`, message: 'each element must be an object' });
        continue;
      }
      const instance = plainToInstance(this.item, element);
      const found = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
      errors.push(...flattenValidationErrors(found, `[${i}]`));
      items.push(instance);
    }
    if (errors.length) throw DomainError.validation(errors);
    return items;
  }
}
