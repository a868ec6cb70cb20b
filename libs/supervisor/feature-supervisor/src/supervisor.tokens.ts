import type { ProcessManager } from './process-manager';
import type { ServiceStateStore } from './service-state.store';

export const SUPERVISOR_RUNTIME = Symbol('SUPERVISOR_RUNTIME');

export interface SupervisorRuntime {
  store: ServiceStateStore;
  /** Absent in container mode, where the supervisor only reports. */
  processes?: ProcessManager;
}
