/**
 * Typed domain errors. Each carries a stable `code` the gateway maps to an HTTP
 * problem+json response; messages are for humans and may change.
 */
export class DomainError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class NotFoundError extends DomainError {
  readonly resource: string;

  constructor(resource: string, id: number | string) {
    super('not_found', `${resource} ${id} was not found`);
    this.resource = resource;
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, code = 'forbidden') {
    super(code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict') {
    super(code, message);
  }
}

export type FieldIssue = { field: string; message: string };

export class ValidationError extends DomainError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super('validation_failed', issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.issues = issues;
  }

  static single(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** Bad credentials or an unusable refresh token; deliberately vague about which. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'invalid credentials') {
    super('unauthenticated', message);
  }
}

/** Collects field issues so a caller sees every problem with an input at once. */
export class IssueCollector {
  readonly #issues: FieldIssue[] = [];

  add(field: string, message: string): void {
    this.#issues.push({ field, message });
  }

  check(condition: boolean, field: string, message: string): void {
    if (!condition) this.add(field, message);
  }

  throwIfAny(): void {
    if (this.#issues.length > 0) throw new ValidationError(this.#issues);
  }
}
