const publicFields = new WeakMap<Function, Set<string>>();

/**
 * Marks a GraphQL field as deliberately public (no authentication). Every other field must
 * carry `@Authorized`; a test walks the schema metadata and fails on fields with neither.
 */
export function Public(): PropertyDecorator & MethodDecorator {
  return (target: object, propertyKey: string | symbol) => {
    const cls = typeof target === 'function' ? target : target.constructor;
    let fields = publicFields.get(cls);
    if (!fields) publicFields.set(cls, (fields = new Set()));
    fields.add(String(propertyKey));
  };
}

export function isPublicField(cls: Function, field: string): boolean {
  return publicFields.get(cls)?.has(field) ?? false;
}
