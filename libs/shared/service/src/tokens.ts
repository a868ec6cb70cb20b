/** Injection tokens of the platform. */
export const TWS_CONFIG = Symbol('TWS_CONFIG');
export const TWS_LOGGER = Symbol('TWS_LOGGER');
export const TWS_SERVICE_NAME = Symbol('TWS_SERVICE_NAME');
