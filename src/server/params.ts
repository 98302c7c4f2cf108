import { HttpError } from './errors.js';

/** A whole number query or form parameter within [min, max]; `fallback` when absent. */
export function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const text = typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : String(value);
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new HttpError(400, 'bad_parameter', `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** A query object as Fastify gives it, read as plain strings. */
export function queryOf(query: unknown): Record<string, unknown> {
  return query !== null && typeof query === 'object' ? (query as Record<string, unknown>) : {};
}
