import { ScenarioError, loadScenarioFile, type Scenario } from './scenario';
import { ConfigError, USAGE, parseSimulatorConfig, wantsHelp } from './simulator-config';
import { startSimulator } from './simulator';
import { stderrLogger } from './sim-log';

/**
 * CLI entry: `node dist/tools/pbx-simulator/src/main.js --devices 4001,4002 --csta-port 0`.
 * Prints one JSON line `{"event":"listening","cstaPort":N,"httpPort":M}` on stdout once both
 * listeners are up; logs go to stderr as JSON lines.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE);
    return;
  }
  let config;
  let scenario: Scenario | undefined;
  try {
    config = parseSimulatorConfig(argv, process.env);
    // A bad scenario is refused before anything listens.
    if (config.scenario !== undefined) scenario = loadScenarioFile(config.scenario);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ScenarioError) {
      process.stderr.write(`pbx-simulator: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const sim = await startSimulator(config, { log: stderrLogger });
  process.stdout.write(`${JSON.stringify({ event: 'listening', cstaPort: sim.cstaPort, httpPort: sim.httpPort })}\n`);

  const shutdown = (signal: string) => {
    stderrLogger('info', `received ${signal}, stopping`);
    sim.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        stderrLogger('error', 'error while stopping', { error: String(e) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  if (scenario) {
    const report = await sim.runScenario(scenario);
    process.stdout.write(`${JSON.stringify({ event: 'scenario', report })}\n`);
    if (config.exitAfterScenario) {
      await sim.stop();
      process.exit(report.ok ? 0 : 1);
    }
  }
}

main().catch((e: unknown) => {
  stderrLogger('error', 'PBX simulator failed to start', { error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
