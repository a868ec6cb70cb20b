import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PduTraceOptions {
  /** Folder of the trace files (created on first write). */
  folder: string;
  /** A file rotates once it is this large (bytes). */
  maxFileBytes?: number;
  /** Rotated files kept: `<name>.1` (newest) … `<name>.<maxFiles>`; older ones are deleted. */
  maxFiles?: number;
  /** File name of the current file. */
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

/**
 * PDU traces (guide 10.6): the CSTA messages of chosen devices (or `*`, all of them) written as
 * one line each — time, link, direction, invoke id, device, XML — to a file that rotates by size.
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
    this.file = options.fileName ?? 'cstaservices-pdu.log';
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
