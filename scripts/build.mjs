// Builds the whole workspace once: tsc (incremental, type-checked) into dist/, then
// tsc-alias rewrites the @tws/* path aliases into relative requires so `node dist/...` runs
// without a loader, then static assets (apps/*/src/assets) are copied beside the code.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[build] ${cmd.split('/').pop()} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

/** tsc never deletes: drop compiled files whose source is gone, so a moved test does not run twice. */
function pruneOrphans(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'assets') pruneOrphans(path);
      continue;
    }
    const m = /^(.*)\.js(\.map)?$/.exec(name);
    if (!m) continue;
    const source = join(root, dir.slice(join(root, 'dist').length), `${m[1]}.ts`);
    if (!existsSync(source)) rmSync(path);
  }
}

const started = Date.now();
pruneOrphans(join(root, 'dist'));
run(bin('tsc'), ['-p', 'tsconfig.json']);
run(bin('tsc-alias'), ['-p', 'tsconfig.json']);
for (const base of ['apps', 'tools']) {
  if (!existsSync(join(root, base))) continue;
  for (const app of readdirSync(join(root, base))) {
    const assets = join(root, base, app, 'src', 'assets');
    if (existsSync(assets)) cpSync(assets, join(root, 'dist', base, app, 'src', 'assets'), { recursive: true });
  }
}
console.error(`[build] done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
