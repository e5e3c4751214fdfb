import { ConflictError, DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '@chucar/domain';
import type { ErrorMapping } from '@chucar/platform';

/** The domain's typed errors as HTTP answers, as the gateway maps them (apps share no code but the libs). */
export function mapDomainError(error: Error): ErrorMapping | null {
  if (!(error instanceof DomainError)) return null;
  const { code } = error;
  if (error instanceof ValidationError) return { status: 422, code, errors: error.issues };
  if (error instanceof NotFoundError) return { status: 404, code };
  if (error instanceof ForbiddenError) return { status: 403, code };
  if (error instanceof ConflictError) return { status: 409, code };
  if (error instanceof UnauthenticatedError) return { status: 401, code };
  return { status: 400, code };
}
