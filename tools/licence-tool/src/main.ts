import { runLicenceTool } from './licence-tool';

/** `node dist/tools/licence-tool/src/main.js <command> ...` — see USAGE in licence-tool.ts. */
process.exitCode = runLicenceTool(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
