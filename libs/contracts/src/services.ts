/**
 * The eleven services of the suite, with the HTTP port each listens on by default
 * (health, metrics and, for some, the public API). One table, read by the supervisor,
 * the docker-compose test and the docs.
 */
export const SERVICE_NAMES = [
  'web-services',
  'admin-app',
  'toolkit-web-services',
  'cstaservices',
  'vtixmlservices',
  'eventservices',
  'mediaservices',
  'conferenceservices',
  'scriptservices',
  'appsharing-router',
  'supervisor',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceDescriptor {
  name: ServiceName;
  /** Default HTTP port (health, metrics, API). Overridable with HTTP_PORT. */
  httpPort: number;
  /** The Windows service of TWS 5.0 this one replaces. */
  original: string;
  /** Needs the secret key (decrypts PBX, LDAP, SMTP... passwords). */
  needsSecretKey: boolean;
  /** What a user opens on it, printed by the supervisor. */
  urls: { label: string; path: string }[];
}

export const SERVICES: Record<ServiceName, ServiceDescriptor> = {
  'web-services': {
    name: 'web-services', httpPort: 8000, original: 'TWS_WebServices', needsSecretKey: true,
    urls: [{ label: 'Admin + user REST API docs', path: '/api/docs' }, { label: 'OpenAPI', path: '/api/openapi.json' }],
  },
  'toolkit-web-services': {
    name: 'toolkit-web-services', httpPort: 8001, original: 'TWS_ToolkitWebServices', needsSecretKey: false,
    urls: [{ label: 'Toolkit REST docs', path: '/toolkit/docs' }, { label: 'Toolkit WSDL', path: '/toolkit/soap?wsdl' }],
  },
  eventservices: { name: 'eventservices', httpPort: 8002, original: 'TWS_EventServices', needsSecretKey: false, urls: [] },
  'admin-app': {
    name: 'admin-app', httpPort: 8080, original: 'TWS_Admin', needsSecretKey: false,
    urls: [{ label: 'Admin app', path: '/' }],
  },
  cstaservices: { name: 'cstaservices', httpPort: 8010, original: 'TWS_CSTAServices', needsSecretKey: true, urls: [] },
  vtixmlservices: { name: 'vtixmlservices', httpPort: 8011, original: 'TWS_VTIXMLServices', needsSecretKey: true, urls: [] },
  mediaservices: { name: 'mediaservices', httpPort: 8012, original: 'TWS_MediaServices', needsSecretKey: true, urls: [] },
  conferenceservices: { name: 'conferenceservices', httpPort: 8013, original: 'TWS_ConferenceServices', needsSecretKey: false, urls: [] },
  scriptservices: { name: 'scriptservices', httpPort: 8014, original: 'TWS_ScriptServices', needsSecretKey: false, urls: [] },
  'appsharing-router': { name: 'appsharing-router', httpPort: 8015, original: 'TWS_AppSharingRouterServices', needsSecretKey: false, urls: [] },
  supervisor: { name: 'supervisor', httpPort: 8009, original: 'TWS_GenericServices', needsSecretKey: false, urls: [] },
};

/** Service states the supervisor publishes (NATS KV bucket SERVICE_STATE_BUCKET, key = service name). */
export const SERVICE_STATES = ['starting', 'running', 'stopping', 'stopped', 'crashed'] as const;
export type ServiceStateName = (typeof SERVICE_STATES)[number];
