import { DiscoveryService, MetadataScanner } from '@nestjs/core';

export interface DiscoveredHandler<M> {
  metadata: M;
  /** `ClassName.methodName`: stable across deployments, used as the handler's name. */
  name: string;
  invoke: (...args: unknown[]) => Promise<unknown>;
}

/** Finds every provider method carrying `metadataKey` (set by a method decorator) in the application. */
export function discoverHandlers<M>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  metadataKey: symbol,
): Array<DiscoveredHandler<M>> {
  const found: Array<DiscoveredHandler<M>> = [];
  const seen = new Set<object>();
  for (const wrapper of discovery.getProviders()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic() || seen.has(instance))
      continue;
    seen.add(instance);
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = instance[methodName];
      if (typeof method !== 'function') continue;
      const metadata = Reflect.getMetadata(metadataKey, method) as M | undefined;
      if (metadata === undefined) continue;
      found.push({
        metadata,
        name: `${instance.constructor.name}.${methodName}`,
        invoke: (...args: unknown[]) => Promise.resolve(method.apply(instance, args)),
      });
    }
  }
  return found;
}

/** A method decorator that records `metadata` under `key`, for discoverHandlers. */
export function handlerDecorator(key: symbol, metadata: unknown): MethodDecorator {
  return (_target, _property, descriptor) => {
    Reflect.defineMetadata(key, metadata, descriptor.value as object);
    return descriptor;
  };
}
