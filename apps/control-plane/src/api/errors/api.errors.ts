import { DomainError } from './domain-error';

/** Codes of errors shared by every query of the public API (pagination, argument ranges). */
export type ApiErrorCode = 'INVALID_CURSOR' | 'INVALID_ARGUMENT';

/** A pagination cursor that this server did not issue (or for another list). */
export class InvalidCursorError extends DomainError<ApiErrorCode> {
  readonly code = 'INVALID_CURSOR';
  constructor(cursor: string) {
    super(`invalid cursor ${JSON.stringify(cursor.slice(0, 80))}: pass an endCursor returned by this list`);
  }
}

/** An argument outside its documented range (page size, empty lists, malformed keys). */
export class InvalidArgumentError extends DomainError<ApiErrorCode> {
  readonly code = 'INVALID_ARGUMENT';
  constructor(argument: string, reason: string) {
    super(`invalid argument ${argument}: ${reason}`, { argument });
  }
}
