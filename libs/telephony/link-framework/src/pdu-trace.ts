import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PduTraceOptions {
  /** Folder of the trace files (created on first write). */
  folder: string;
  /** A file rotates once it is this large (bytes). */
  maxFileBytes?: number;
  /** Rotated files kept: `<name>.1` (newest) … `<name>.<maxFiles>`; older ones are deleted. */
  maxFiles?: number;
  /** File name of the current file (default `pdu.log`; the link runtime names it after its service). */
  fileName?: string;
}

export interface PduTraceLine {
  at: Date;
  linkId: string;
  direction: 'in' | 'out';
  invokeId: string;
  device?: string;
  xml: string;
}

/** Where a link sends its PDUs: one tracer, or several (`pduSinks`). */
export interface PduSink {
  readonly active: boolean;
  record(line: PduTraceLine): void;
  flush(): void;
}

/** Several tracers as one sink (e.g. the all-links trace and the link's domain trace). */
export function pduSinks(...tracers: (PduTracer | undefined)[]): PduSink | undefined {
  const list = tracers.filter((t): t is PduTracer => t !== undefined && t.active);
  if (list.length <= 1) return list[0];
  return {
    get active() {
      return list.some((t) => t.active);
    },
    record: (line) => list.forEach((t) => t.record(line)),
    flush: () => list.forEach((t) => t.flush()),
  };
}

/**
 * PDU traces (guide 10.6): the protocol messages (CSTA, VTI-XML) of chosen devices (or `*`, all of
 * them) written as one line each — time, link, direction, invoke id, device, XML — to a file that
 * rotates by size.
 * Passwords are blanked. Writing is batched per event-loop turn so a busy link is not slowed by
 * one system call per message.
 */
export class PduTracer {
  private readonly targets = new Set<string>();
  private buffer: string[] = [];
  private flushScheduled = false;
  private size = -1;
  readonly folder: string;
  private readonly file: string;
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;

  constructor(options: PduTraceOptions) {
    this.folder = resolve(options.folder);
    this.file = options.fileName ?? 'pdu.log';
    this.maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 9;
  }

  /** Devices traced now (`*` = all). */
  get tracing(): string[] {
    return [...this.targets].sort();
  }

  get active(): boolean {
    return this.targets.size > 0;
  }

  start(device: string): void {
    this.targets.add(device);
  }

  /** Stops tracing `device`; `*` stops everything. */
  stop(device: string): void {
    if (device === '*') this.targets.clear();
    else this.targets.delete(device);
  }

  /** Traces exactly `devices` (the persisted settings of the scope). */
  set(devices: readonly string[]): void {
    this.targets.clear();
    for (const d of devices) this.targets.add(d);
  }

  /** Whether a message about `device` (undefined: link-level) is traced. */
  wants(device: string | undefined): boolean {
    return this.targets.has('*') || (device !== undefined && this.targets.has(device));
  }

  record(line: PduTraceLine): void {
    if (!this.wants(line.device)) return;
    const xml = redactPasswords(line.xml).replace(/\s*[\r\n]+\s*/g, ' ');
    this.buffer.push(`${line.at.toISOString()} ${line.linkId} ${line.direction === 'in' ? 'IN ' : 'OUT'} ${line.invokeId} ${line.device ?? '-'} ${xml}\n`);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is buffered now (also called on shutdown). */
  flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    mkdirSync(this.folder, { recursive: true });
    const path = join(this.folder, this.file);
    if (this.size < 0) this.size = existsSync(path) ? statSync(path).size : 0;
    if (this.size > 0 && this.size + Buffer.byteLength(text) > this.maxFileBytes) {
      this.rotate(path);
      this.size = 0;
    }
    appendFileSync(path, text);
    this.size += Buffer.byteLength(text);
  }

  /** Trace files present, newest first. */
  files(): string[] {
    if (!existsSync(this.folder)) return [];
    const base = this.file;
    return readdirSync(this.folder)
      .filter((f) => f === base || (f.startsWith(`${base}.`) && /^\d+$/.test(f.slice(base.length + 1))))
      .sort((a, b) => rank(a, base) - rank(b, base));
  }

  /** The trace files with size and date, newest first. */
  fileDetails(): { name: string; size: number; modifiedAt: string }[] {
    this.flush();
    return this.files().flatMap((name) => {
      try {
        const st = statSync(join(this.folder, name));
        return [{ name, size: st.size, modifiedAt: st.mtime.toISOString() }];
      } catch {
        return []; // rotated away meanwhile
      }
    });
  }

  /**
   * `length` bytes of trace file `name` from `offset` (only a name `files()` lists: nothing
   * outside the folder is ever read). Undefined when there is no such file.
   */
  readChunk(name: string, offset: number, length: number): { data: Buffer; size: number; eof: boolean } | undefined {
    this.flush();
    if (!this.files().includes(name)) return undefined;
    const fd = openSync(join(this.folder, name), 'r');
    try {
      const size = statSync(join(this.folder, name)).size;
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const n = buf.length ? readSync(fd, buf, 0, buf.length, offset) : 0;
      return { data: buf.subarray(0, n), size, eof: offset + n >= size };
    } finally {
      closeSync(fd);
    }
  }

  private rotate(path: string): void {
    const oldest = `${path}.${this.maxFiles}`;
    if (existsSync(oldest)) rmSync(oldest);
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    }
    renameSync(path, `${path}.1`);
  }
}

function rank(name: string, base: string): number {
  return name === base ? 0 : Number(name.slice(base.length + 1));
}

/** Blanks the contents of <password> elements (any prefix). */
export function redactPasswords(xml: string): string {
  return xml.replace(/(<(?:[\w.-]+:)?password(?:\s[^>]*)?>)[^<]*(<\/)/gi, '$1***$2');
}
