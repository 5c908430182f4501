/**
 * The local trace files (one `<service>.jsonl` per service, rotated into `<service>.jsonl.1` …
 * by the kit's FileSpanExporter) read newest line first, in fixed-size chunks: memory stays
 * bounded whatever their size.
 */
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const TRACE_FILE = /^(.+)\.jsonl(?:\.(\d+))?$/;
const CHUNK_BYTES = 64 * 1024;
/** A longer line is no span the kit wrote; it is skipped rather than held. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Each service's files, newest first: `x.jsonl`, `x.jsonl.1`, `x.jsonl.2` … */
export async function listTraceFiles(dir: string): Promise<string[][]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const byService = new Map<string, Array<{ name: string; generation: number }>>();
  for (const name of names) {
    const match = TRACE_FILE.exec(name);
    if (!match) continue;
    const files = byService.get(match[1]!) ?? [];
    files.push({ name, generation: Number(match[2] ?? 0) });
    byService.set(match[1]!, files);
  }
  return [...byService.values()].map((files) =>
    files.sort((a, b) => a.generation - b.generation).map((file) => join(dir, file.name)),
  );
}

/**
 * Lines of the files, last line of the first file first. All files are opened before reading,
 * so a rotation while reading renames them under us without losing or repeating lines.
 */
export async function* linesNewestFirst(
  files: readonly string[],
  onSkipped: () => void,
): AsyncGenerator<string> {
  const handles: FileHandle[] = [];
  try {
    for (const file of files) {
      // Deleted by a rotation since it was listed: its spans are gone.
      const handle = await open(file, 'r').catch(() => undefined);
      if (handle) handles.push(handle);
    }
    for (const handle of handles) yield* linesBackward(handle, onSkipped);
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

async function* linesBackward(handle: FileHandle, onSkipped: () => void): AsyncGenerator<string> {
  let position = (await handle.stat()).size;
  // The start of a line whose beginning lies in an earlier chunk (bytes, so a UTF-8 character
  // split between chunks is joined before decoding).
  let rest = Buffer.alloc(0);
  while (position > 0) {
    const length = Math.min(CHUNK_BYTES, position);
    position -= length;
    const chunk = Buffer.allocUnsafe(length);
    await handle.read(chunk, 0, length, position);
    const buffer = rest.length > 0 ? Buffer.concat([chunk, rest]) : chunk;
    let end = buffer.length;
    for (let index = buffer.length - 1; index >= 0; index--) {
      if (buffer[index] !== 0x0a) continue;
      if (end > index + 1) yield buffer.toString('utf8', index + 1, end);
      end = index;
    }
    rest = buffer.subarray(0, end);
    if (rest.length > MAX_LINE_BYTES) {
      onSkipped();
      rest = Buffer.alloc(0);
    }
  }
  if (rest.length > 0) yield rest.toString('utf8');
}
