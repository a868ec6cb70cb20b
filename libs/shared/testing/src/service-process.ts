import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { waitFor } from './helpers';

/** Root of the repository (folder holding nx.json), found from the running file. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (nx.json) above ' + __dirname);
    dir = up;
  }
  return dir;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Everything it wrote, for assertions and failure messages. */
  output(): string;
  /** Resolves once it has exited: its exit code, or 128 + signal number when a signal ended it. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs a built app (`dist/apps/<name>/src/main.js` or any built file) as a real process. */
export function startProcess(name: string, script: string, env: Record<string, string>, args: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [join(repoRoot(), script), ...args], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null))),
  );
  return {
    name,
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return exited;
    },
  };
}

/**
 * The build this library was compiled into (`<dist>/libs/shared/testing/src/` → `<dist>`): the
 * repository's `dist/`, or a private build folder, whose apps the tests then run.
 */
export const OWN_DIST_ROOT = resolve(__dirname, '../../../..');

/** Runs a built app, by default of the build the calling test belongs to (OWN_DIST_ROOT). */
export function startService(app: string, env: Record<string, string>, distRoot = OWN_DIST_ROOT): ServiceProcess {
  return startProcess(app, relative(repoRoot(), join(distRoot, 'apps', app, 'src', 'main.js')), env);
}

/** Waits for GET /health/ready to answer 200; on timeout, the error carries the process output. */
export async function waitReady(proc: ServiceProcess, port: number, timeoutMs = 30_000): Promise<void> {
  try {
    await waitFor(`${proc.name} ready on :${port}`, async () => {
      if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}`);
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`);
      return r.status === 200;
    }, timeoutMs, 100);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- ${proc.name} output ---\n${proc.output().slice(-5000)}`);
  }
}
