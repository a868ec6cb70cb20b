// First import of main.ts: tracing must be set up before HTTP and the app are loaded.
import { startTelemetry } from '@tws/telemetry';

startTelemetry('supervisor');
