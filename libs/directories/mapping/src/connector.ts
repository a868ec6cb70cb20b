/**
 * The contract between the synchronization and a directory source. Each server type (LDAP/AD
 * today; Exchange, Office 365, Google, Lotus, ODBC later) is one library that implements it; the
 * synchronization knows nothing else about the source.
 */

/** A value as the source gives it: text, or bytes for binary attributes (photos, GUIDs). */
export type SourceValue = string | Buffer;

/** One entry of the source. */
export interface SourceRecord {
  /** Where the entry is in the source (LDAP DN, row number), for the report. */
  ref: string;
  /** Values by field name in lower case (the guide asks for lower-case LDAP names; we make them so). */
  values: ReadonlyMap<string, readonly SourceValue[]>;
  /**
   * An identifier the source guarantees stable (AD objectGUID, OpenLDAP entryUUID), used when the
   * ID field is not mapped.
   */
  stableId?: string;
}

export interface ConnectorSource<S> {
  directoryId: string;
  domainId: string;
  /** The connector's settings as saved (validated by the connector's own schema). */
  settings: S;
  /** The secret in clear, opened just for this read; null when none is set. */
  password: string | null;
}

export interface ReadOptions {
  /** Aborted when the run is cancelled or the service stops: stop reading and throw. */
  signal: AbortSignal;
  /** Field names the mapping reads (lower case); a source may read only these. */
  attributes: readonly string[];
  /**
   * The source stopped early on purpose (a size limit set by the administrator): the run keeps
   * what it read but must not delete the contacts it did not see.
   */
  onTruncated(message: string): void;
}

/**
 * A directory source. `read` yields entries page by page and fetches the next page only when the
 * previous one has been consumed, so memory does not grow with the directory. Failures throw a
 * ConnectorError saying what went wrong and what to check.
 */
export interface DirectoryConnector<S = unknown> {
  readonly serverType: string;
  read(source: ConnectorSource<S>, opts: ReadOptions): AsyncIterable<SourceRecord[]>;
}

export type ConnectorFailure = 'unreachable' | 'credentials' | 'configuration' | 'interrupted' | 'cancelled';

export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}
