/**
 * What went wrong, in the domain's words. The service kit turns each kind into an HTTP status
 * (invalid 422, not_found 404, forbidden 403, conflict 409, unauthenticated 401), so every app
 * answers the same without a mapping of its own; the domain itself knows nothing of HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'unauthenticated';

/**
 * Typed domain errors. Each carries a stable `code` that clients see in problem+json answers;
 * messages are for humans and may change.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly errorKind: DomainErrorKind;

  constructor(errorKind: DomainErrorKind, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.errorKind = errorKind;
    this.code = code;
  }
}

export class NotFoundError extends DomainError {
  readonly resource: string;

  constructor(resource: string, id: number | string) {
    super('not_found', 'not_found', `${resource} ${id} was not found`);
    this.resource = resource;
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, code = 'forbidden') {
    super('forbidden', code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict') {
    super('conflict', code, message);
  }
}

export type FieldIssue = { field: string; message: string };

export class ValidationError extends DomainError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super('invalid', 'validation_failed', issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.issues = issues;
  }

  static single(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** Bad credentials or an unusable refresh token; deliberately vague about which. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'invalid credentials') {
    super('unauthenticated', 'unauthenticated', message);
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
