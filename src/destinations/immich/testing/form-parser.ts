/**
 * @module A streaming multipart/form-data reader for the Immich fake: text fields collected, file parts handed on in
 * chunks (so a 4 GB upload is hashed without being held), a boundary split across chunks found all the same.
 */

export interface FormSink {
  field(name: string, value: string): void;
  fileStart(name: string, filename: string): void;
  fileData(chunk: Buffer): void;
  fileEnd(): void;
}

export class FormError extends Error {}

export async function readForm(body: AsyncIterable<Buffer>, boundary: string, sink: FormSink): Promise<void> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first boundary has no CRLF before it; adding one makes every delimiter look the same.
  let buf: Buffer = Buffer.from('\r\n');
  type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';
  let state = 'preamble' as State;
  let part: { name: string; filename?: string; text: Buffer[] } | undefined;
  const emit = (data: Buffer) => {
    if (data.length === 0 || !part) return;
    if (part.filename !== undefined) sink.fileData(data); else part.text.push(data);
  };
  const endPart = () => {
    if (!part) return;
    if (part.filename !== undefined) sink.fileEnd(); else sink.field(part.name, Buffer.concat(part.text).toString());
    part = undefined;
  };
  const step = (): boolean => {
    switch (state) {
      case 'preamble': case 'body': {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          const keep = Math.max(0, buf.length - delimiter.length);
          if (state === 'body') emit(buf.subarray(0, keep));
          buf = buf.subarray(keep);
          return false;
        }
        if (state === 'body') { emit(buf.subarray(0, at)); endPart(); }
        buf = buf.subarray(at + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (buf.length < 2) return false;
        const next = buf.subarray(0, 2).toString();
        buf = buf.subarray(2);
        if (next === '--') { state = 'done'; return false; }
        if (next !== '\r\n') throw new FormError('malformed multipart boundary');
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) { if (buf.length > 16 * 1024) throw new FormError('multipart headers too long'); return false; }
        const headers = buf.subarray(0, end).toString();
        buf = buf.subarray(end + 4);
        const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
        const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
        if (name === undefined) throw new FormError('multipart part without a name');
        const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
        part = { name, ...(filename !== undefined ? { filename } : {}), text: [] };
        if (filename !== undefined) sink.fileStart(name, filename);
        state = 'body';
        return true;
      }
      case 'done': return false;
    }
  };
  for await (const chunk of body) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (step());
  }
  if (state !== 'done') throw new FormError('the upload ended before the form did');
}
