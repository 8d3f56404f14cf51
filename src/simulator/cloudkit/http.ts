/** @module CloudKit-style responses: the headers and error envelopes the recorded ckdatabasews answers carry. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function ckHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json; charset=UTF-8',
    'x-apple-cloudkit-version': '1.0',
    'x-apple-request-uuid': randomUUID(),
    'x-responding-instance': 'ckdatabasews:photoferry-sim:1',
    'apple-seq': '0', 'apple-tk': 'false', 'x-apple-user-partition': '61',
    'access-control-allow-origin': 'https://www.icloud.com', 'access-control-allow-credentials': 'true',
    ...extra,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...ckHeaders(headers), 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Top-level CloudKit error, e.g. 503 TRY_AGAIN_LATER or 400 BAD_REQUEST. */
export function sendCkError(res: ServerResponse, status: number, serverErrorCode: string, reason: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { uuid: randomUUID(), serverErrorCode, reason }, headers);
}

/** What CloudKit answers when the web session is gone (recorded body, errorCode as a string). */
export const sendInvalidSession = (res: ServerResponse) => sendJson(res, 401, { error: 'Invalid global session', errorCode: '100' });

export type Json = Record<string, unknown>;
export const asObj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
