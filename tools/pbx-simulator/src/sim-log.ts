export type SimLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured log sink; the default writes one JSON line per entry to stderr. Never pass secrets. */
export type SimLogger = (level: SimLogLevel, msg: string, fields?: Record<string, unknown>) => void;

export const stderrLogger: SimLogger = (level, msg, fields) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
};

export const silentLogger: SimLogger = () => undefined;

/** Blanks the contents of <password> elements (any prefix) so raw XML can be logged or served. */
export function redactPasswords(xml: string): string {
  return xml.replace(/(<(?:[\w.-]+:)?password(?:\s[^>]*)?>)[^<]*(<\/)/gi, '$1***$2');
}
