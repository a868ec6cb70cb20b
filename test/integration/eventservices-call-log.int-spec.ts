import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { JSONCodec } from 'nats';
import { DirectoryLookup, TELEPHONY_STREAM, TelephonyEvents, type ContactCard, type DirectoryLookupRequest, type TelephonyEvent } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging } from '@tws/messaging';
import {
  createTestDatabase,
  freePort,
  startService,
  startTestNats,
  waitFor,
  waitReady,
  type ServiceProcess,
  type TestDatabase,
} from '@tws/testing';
import type { LocalNatsServer } from '@tws/messaging';

const LINK = '11111111-1111-4111-8111-111111111111';

/**
 * eventservices as a real process: a table of telephony events goes into the JetStream stream,
 * call-log rows come out of Postgres. Duplicates, a malformed message and a restart of the
 * service in the middle of a call change nothing in the outcome.
 */
describe('eventservices call log (stream in, rows out)', () => {
  let db: TestDatabase;
  let nats: LocalNatsServer;
  let messaging: Messaging;
  let pg: Client;
  let service: ServiceProcess;
  let port: number;
  let domainId: string;

  const startEventServices = async () => {
    service = startService('eventservices', {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      CALL_LOG_LOOKUP_RETRY_MS: '200',
      CALL_LOG_LOOKUP_PAUSE_MS: '300',
    });
    await waitReady(service, port);
  };

  before(async () => {
    db = await createTestDatabase();
    nats = await startTestNats();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const company = await pg.query(`INSERT INTO company (name) VALUES ('Acme') RETURNING id`);
    const domain = await pg.query(`INSERT INTO domain (company_id, name) VALUES ($1, 'acme.local') RETURNING id`, [company.rows[0].id]);
    domainId = domain.rows[0].id;
    messaging = await Messaging.connect({ servers: nats.url, name: 'test', logger: createLogger('test', 'silent') });
    await messaging.ensureStream(TELEPHONY_STREAM);
    port = await freePort();
    await startEventServices();
  });

  after(async () => {
    await service?.stop();
    await messaging?.drain();
    await pg?.end();
    await nats?.stop();
    await db?.drop();
  });

  /** One line of the event table: [second, device, kind, fields]. */
  type Line = [number, string, TelephonyEvent['kind'], Partial<TelephonyEvent>?];
  const table = (call: string, lines: Line[]): TelephonyEvent[] =>
    lines.map(([s, device, kind, extra], i) => ({
      eventId: `${call}-${i}`,
      kind,
      linkId: LINK,
      domainId,
      device,
      callRef: `${LINK}:${call}`,
      occurredAt: new Date(Date.UTC(2026, 10, 28, 10, 0, s)).toISOString(),
      ...extra,
    }));
  const publish = (events: TelephonyEvent[]) =>
    Promise.all(events.map((e) => messaging.publishDurable(TelephonyEvents, [e.domainId, e.device, e.kind], e, e.eventId)));
  const rows = async (call: string) =>
    (await pg.query(`SELECT device, direction, answered, remote_number, started_at, answered_at, ended_at FROM call_log WHERE call_ref = $1 ORDER BY device`, [`${LINK}:${call}`])).rows;

  test('an internal call gives one row per party', async () => {
    await publish(table('c1', [
      [0, '4001', 'originated', { callingNumber: '4001', calledNumber: '4002' }],
      [1, '4001', 'delivered', { alertingDevice: '4002', callingNumber: '4001', calledNumber: '4002' }],
      [1, '4002', 'delivered', { alertingDevice: '4002', callingNumber: '4001', calledNumber: '4002' }],
      [3, '4002', 'established', { answeringDevice: '4002' }],
      [3, '4001', 'established', { answeringDevice: '4002' }],
      [9, '4002', 'connectionCleared', { releasingDevice: '4002' }],
      [9, '4001', 'connectionCleared', { releasingDevice: '4002' }],
      [9, '4001', 'callCleared'],
    ]));
    const out = await waitFor('both rows ended', async () => {
      const r = await rows('c1');
      return r.length === 2 && r.every((x) => x.ended_at) ? r : undefined;
    });
    assert.deepEqual(
      out.map((r) => [r.device, r.direction, r.answered, r.remote_number]),
      [
        ['4001', 'outgoing', true, '4002'],
        ['4002', 'incoming', true, '4001'],
      ],
    );
    assert.equal(out[1].answered_at.toISOString(), '2026-11-28T10:00:03.000Z');
    assert.equal(out[0].ended_at.toISOString(), '2026-11-28T10:00:09.000Z');
  });

  test('events delivered twice (publisher retry, redelivery) are applied once', async () => {
    const events = table('c2', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+33155171889', calledNumber: '4001' }],
      [2, '4001', 'established', { answeringDevice: '4001' }],
      [8, '4001', 'connectionCleared', { releasingDevice: '4001' }],
    ]);
    // Past the stream's duplicate window (other message ids), the same events arrive again.
    const js = messaging.nc.jetstream();
    const codec = JSONCodec();
    for (const e of [...events, ...events]) await js.publish(TelephonyEvents.subject(e.domainId, e.device, e.kind), codec.encode(e));
    // The service reports what it did with each delivery on /metrics.
    const duplicates = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return Number(/tws_calllog_events_total\{result="duplicate"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    await waitFor('the three repeated events seen and skipped', async () => (await duplicates()) >= 3);
    const processed = await pg.query(`SELECT count(*)::int AS n FROM call_event_processed WHERE event_id LIKE 'c2-%'`);
    assert.equal(processed.rows[0].n, 3);
    const r = await rows('c2');
    assert.equal(r.length, 1);
    assert.equal(r[0].answered, true);
  });

  test('a malformed message is dropped and the stream keeps flowing', async () => {
    messaging.nc.publish(`tws.evt.${domainId}.4001.delivered`, new TextEncoder().encode('{"not":"an event"'));
    await messaging.nc.jetstream().publish(`tws.evt.${domainId}.4001.delivered`, new TextEncoder().encode('{"eventId":"x"}'));
    await publish(table('c3', [[0, '4003', 'delivered', { alertingDevice: '4003', callingNumber: '0612345678' }], [5, '4003', 'callCleared']]));
    const r = await waitFor('the valid call after the bad messages', async () => (await rows('c3'))[0]?.ended_at && rows('c3'));
    assert.equal(r[0].direction, 'incoming');
    assert.equal(r[0].answered, false, 'never answered: a missed call');
  });

  test("the remote party is named from the directories as the device's user sees them, once per row and number", async () => {
    // The directories' side of tws.dir.lookup, answered here at the protocol level (web-services
    // answers it in the suite: test/e2e/first-call.e2e-spec.ts); a table of numbers → contacts.
    const user = await pg.query(`INSERT INTO tws_user (domain_id, username) VALUES ($1, 'dora') RETURNING id`, [domainId]);
    await pg.query(`INSERT INTO device (user_id, domain_id, number, protocol) VALUES ($1, $2, '4010', 'CSTA')`, [user.rows[0].id, domainId]);
    const card = (displayName: string, company: string): ContactCard => ({
      source: 'directory', contactId: 'k-1', userId: null, directory: { id: '33333333-3333-4333-8333-333333333333', name: 'LDAP', priority: 1 }, externalId: 'e-1',
      displayName, lastName: displayName.split(' ')[1] ?? '', firstName: displayName.split(' ')[0] ?? '', company, picture: null, mail1: null, mail2: null, url: null,
      phones: [], privateFields: [], mapUrls: {}, vip: null, mergedFrom: [],
    });
    const known: Record<string, ContactCard> = { '+33155171889': card('Jürgen Müller', 'Müller GmbH') };
    const asked: DirectoryLookupRequest[] = [];
    const responder = messaging.serve(DirectoryLookup, DirectoryLookup.subject(), async (q) => {
      asked.push(q);
      const match = known[q.number] ?? null;
      return { number: q.number, canonical: q.number, match, matchedKind: match ? 'professional' : null, displayName: match?.displayName ?? q.number };
    });
    await messaging.nc.flush();
    try {
      await publish(table('c5', [
        [0, '4010', 'delivered', { alertingDevice: '4010', callingNumber: '+33155171889', calledNumber: '4010' }],
        [2, '4010', 'established', { answeringDevice: '4010' }],
        [8, '4010', 'connectionCleared', { releasingDevice: '4010' }],
        [8, '4010', 'callCleared'],
      ]));
      await publish(table('c6', [
        [0, '4010', 'delivered', { alertingDevice: '4010', callingNumber: '+4930999999', calledNumber: '4010' }],
        [5, '4010', 'callCleared'],
      ]));
      // 4011 is no user's device (a queue's, say): nobody's rights to look up with.
      await publish(table('c7', [
        [0, '4011', 'delivered', { alertingDevice: '4011', callingNumber: '+33155171889', calledNumber: '4011' }],
        [5, '4011', 'callCleared'],
      ]));
      const who = async (call: string) =>
        (await pg.query(`SELECT remote_name, remote_company, remote_source, remote_directory_id, remote_contact_id, remote_looked_up, ended_at FROM call_log WHERE call_ref = $1`, [`${LINK}:${call}`])).rows[0];
      const named = await waitFor('the three rows ended and looked up', async () => {
        const r = [await who('c5'), await who('c6'), await who('c7')];
        return r.every((x) => x?.ended_at && x.remote_looked_up) ? r : undefined;
      });
      assert.deepEqual(named.map((r) => [r.remote_name, r.remote_company, r.remote_source, r.remote_directory_id, r.remote_contact_id, r.remote_looked_up]), [
        ['Jürgen Müller', 'Müller GmbH', 'directory', '33333333-3333-4333-8333-333333333333', 'k-1', '+33155171889'],
        [null, null, null, null, null, '+4930999999'],
        [null, null, null, null, null, '+33155171889'],
      ]);
      // One lookup per row (not per event), for the device's user, as the PBX presented the number.
      assert.deepEqual(
        asked.map((q) => [q.userId, q.number, q.origin, q.view]),
        [
          [user.rows[0].id, '+33155171889', 'pbx', 'caller'],
          [user.rows[0].id, '+4930999999', 'pbx', 'caller'],
        ],
      );
    } finally {
      responder.unsubscribe();
    }
  });

  test('a row left unnamed while the directories did not answer is named once they answer again', async () => {
    const user = await pg.query(`INSERT INTO tws_user (domain_id, username) VALUES ($1, 'emil') RETURNING id`, [domainId]);
    await pg.query(`INSERT INTO device (user_id, domain_id, number, protocol) VALUES ($1, $2, '4020', 'CSTA')`, [user.rows[0].id, domainId]);
    const failed = async () => Number(/tws_calllog_lookups_total\{result="failed"\} (\d+)/.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? 0);
    const before = await failed();
    // Nobody answers tws.dir.lookup (web-services down): the call is logged, without a name.
    await publish(table('c8', [
      [0, '4020', 'delivered', { alertingDevice: '4020', callingNumber: '+33155170042', calledNumber: '4020' }],
      [6, '4020', 'callCleared'],
    ]));
    const row = async () => (await pg.query(`SELECT remote_name, remote_looked_up, ended_at FROM call_log WHERE call_ref = $1`, [`${LINK}:c8`])).rows[0];
    await waitFor('the call logged and its lookup failed', async () => (await row())?.ended_at && (await failed()) > before);
    assert.deepEqual([(await row()).remote_name, (await row()).remote_looked_up], [null, null], 'left for a retry, not recorded as unknown');

    const responder = messaging.serve(DirectoryLookup, DirectoryLookup.subject(), async (q) => {
      const match = q.number === '+33155170042' ? { source: 'directory' as const, contactId: 'k-2', userId: null, directory: null, externalId: null, displayName: 'Ada Lovelace', lastName: 'Lovelace', firstName: 'Ada', company: '', picture: null, mail1: null, mail2: null, url: null, phones: [], privateFields: [], mapUrls: {}, vip: null, mergedFrom: [] } : null;
      return { number: q.number, canonical: q.number, match, matchedKind: match ? 'professional' : null, displayName: match?.displayName ?? q.number };
    });
    await messaging.nc.flush();
    try {
      const named = await waitFor('the row named by the retry', async () => ((await row())?.remote_name ? row() : undefined));
      assert.deepEqual([named.remote_name, named.remote_looked_up], ['Ada Lovelace', '+33155170042']);
    } finally {
      responder.unsubscribe();
    }
  });

  test('a restart of eventservices in the middle of a call loses nothing', async () => {
    const events = table('c4', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+4930123456', calledNumber: '4001' }],
      [4, '4001', 'established', { answeringDevice: '4001' }],
      [30, '4001', 'connectionCleared', { releasingDevice: '+4930123456' }],
      [30, '4001', 'callCleared'],
    ]);
    await publish(events.slice(0, 2));
    await waitFor('the call answered', async () => (await rows('c4'))[0]?.answered);
    assert.equal(await service.stop(), 0, 'eventservices stops cleanly on SIGTERM (137 would mean it had to be killed)');
    await publish(events.slice(2)); // while eventservices is down
    await startEventServices();
    const r = await waitFor('the call ended after the restart', async () => (await rows('c4'))[0]?.ended_at && rows('c4'));
    assert.equal(r[0].ended_at.toISOString(), '2026-11-28T10:00:30.000Z');
    assert.equal(r[0].remote_number, '+4930123456');
  });
});
