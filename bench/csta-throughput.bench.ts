/**
 * CSTA inbound throughput: frames per second through the 8-byte framer, the XML codec, and the
 * translation into normalized events (with the call registry), stage by stage, on a stream of
 * realistic event frames (Delivered, Established, Held, Retrieved, ConnectionCleared,
 * CallCleared for calls on many devices) cut into TCP-sized chunks; and the outbound side
 * (encode + frame) for comparison; and the same events as a desk phone sends them in uaCSTA
 * (each body in a SIP INFO over TCP), through the SIP framer, next to the 8-byte framer.
 * Prints figures, asserts nothing.
 * Run: npm run build && node dist/bench/csta-throughput.bench.js (BENCH_MS=3000 for longer rows).
 */
import { CstaFrameDecoder, decodeMessage, encodeFrame, encodeMessage, isCstaEvent, type CstaEvent, type KnownCstaMessage } from '@tws/csta';
import { CallRegistry, translateCstaEvent } from '@tws/csta-link';
import { serializeSipMessage, SipStreamDecoder } from '@tws/sip';

const RUN_MS = Number(process.env['BENCH_MS'] ?? 1000);
const LINK = '11111111-1111-4111-8111-111111111111';
const DOMAIN = '22222222-2222-4222-8222-222222222222';
const CALLS = 2000;
const CHUNK = 1460;

/** The events one monitored device receives for an answered, held and hung-up incoming call. */
function callEvents(callId: string, device: string, xref: string): KnownCstaMessage[] {
  const c = { callId, deviceId: device };
  const caller = `+3315517${callId.padStart(4, '0')}`;
  return [
    { type: 'DeliveredEvent', monitorCrossRefId: xref, connection: c, alertingDevice: device, callingDevice: caller, calledDevice: device, lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'newCall' },
    { type: 'EstablishedEvent', monitorCrossRefId: xref, establishedConnection: c, answeringDevice: device, callingDevice: caller, calledDevice: device, lastRedirectionDevice: undefined, localConnectionInfo: 'connected', cause: 'newCall' },
    { type: 'HeldEvent', monitorCrossRefId: xref, heldConnection: c, holdingDevice: device, localConnectionInfo: 'hold', cause: 'normal' },
    { type: 'RetrievedEvent', monitorCrossRefId: xref, retrievedConnection: c, retrievingDevice: device, localConnectionInfo: 'connected', cause: 'normal' },
    { type: 'ConnectionClearedEvent', monitorCrossRefId: xref, droppedConnection: { callId, deviceId: caller }, releasingDevice: caller, localConnectionInfo: 'connected', cause: 'normalClearing' },
    { type: 'CallClearedEvent', monitorCrossRefId: xref, clearedCall: { callId, deviceId: '' }, localConnectionInfo: 'null', cause: 'normalClearing' },
  ];
}

const messages: KnownCstaMessage[] = [];
for (let i = 1; i <= CALLS; i++) messages.push(...callEvents(String(i), String(4000 + (i % 500)), String(i % 500)));
const frames = messages.map((m) => encodeFrame('9999', encodeMessage(m, { edition: 'ed4' })));
const stream = Buffer.concat(frames);
const chunks: Buffer[] = [];
for (let at = 0; at < stream.length; at += CHUNK) chunks.push(stream.subarray(at, at + CHUNK));
const deviceOf = (xref: string) => String(4000 + Number(xref));

/** The same events as a snom phone sends them: one SIP INFO per CSTA document (uaCSTA). */
const sipStream = Buffer.concat(
  messages.map((m, i) =>
    serializeSipMessage({
      kind: 'request',
      method: 'INFO',
      uri: 'sip:tws@192.0.2.1:6010;transport=tcp',
      headers: [
        { name: 'Via', value: `SIP/2.0/TCP 192.0.2.40:5060;branch=z9hG4bK-${i}` },
        { name: 'From', value: '<sip:66-4001@192.0.2.1>;tag=phone' },
        { name: 'To', value: '<sip:tws@192.0.2.1>;tag=tws' },
        { name: 'Call-ID', value: 'uacsta-4001@192.0.2.40' },
        { name: 'CSeq', value: `${i + 2} INFO` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'Content-Type', value: 'application/csta+xml' },
        { name: 'Content-Disposition', value: 'signal;handling=required' },
      ],
      body: Buffer.from(encodeMessage(m, { edition: 'ed3' }), 'utf8'),
    }),
  ),
);
const sipChunks: Buffer[] = [];
for (let at = 0; at < sipStream.length; at += CHUNK) sipChunks.push(sipStream.subarray(at, at + CHUNK));

/** Runs `pass` (one pass over the stream = frames.length frames) for RUN_MS; returns frames/s. */
function measure(pass: () => void): number {
  const warmEnd = performance.now() + Math.min(300, RUN_MS / 3);
  while (performance.now() < warmEnd) pass();
  let passes = 0;
  const started = performance.now();
  while (performance.now() - started < RUN_MS) {
    pass();
    passes++;
  }
  return (passes * frames.length) / ((performance.now() - started) / 1000);
}

let sink = 0;
const framerOnly = measure(() => {
  const d = new CstaFrameDecoder();
  for (const c of chunks) sink += d.push(c).length;
});
const framerCodec = measure(() => {
  const d = new CstaFrameDecoder();
  for (const c of chunks) for (const f of d.push(c)) sink += decodeMessage(f.xml).ok ? 1 : 0;
});
const full = measure(() => {
  const d = new CstaFrameDecoder();
  const calls = new CallRegistry(LINK);
  const receivedAt = new Date();
  for (const c of chunks) {
    for (const f of d.push(c)) {
      const r = decodeMessage(f.xml);
      if (!r.ok || !isCstaEvent(r.message)) continue;
      const e = r.message as CstaEvent;
      sink += translateCstaEvent(e, { linkId: LINK, domainId: DOMAIN, device: deviceOf(e.monitorCrossRefId), receivedAt, eventId: 'e', calls }).length;
    }
  }
});
const sipFramer = measure(() => {
  const d = new SipStreamDecoder();
  for (const c of sipChunks) sink += d.push(c).length;
});
const sipFramerCodec = measure(() => {
  const d = new SipStreamDecoder();
  for (const c of sipChunks) for (const m of d.push(c)) sink += decodeMessage(m.body.toString('utf8')).ok ? 1 : 0;
});
const outbound = measure(() => {
  for (const m of messages) sink += encodeFrame('0001', encodeMessage(m, { edition: 'ed4' })).length;
});
if (sink < 0) console.log(sink);

const avgBytes = Math.round(stream.length / frames.length);
const sipAvgBytes = Math.round(sipStream.length / frames.length);
console.log(`CSTA throughput: ${frames.length} event frames (${CALLS} calls, ${avgBytes} bytes per frame on average), ${CHUNK}-byte chunks, ${RUN_MS} ms per row, node ${process.version}`);
console.table([
  { stage: 'framer (8-byte header)', 'frames/s': Math.round(framerOnly), 'MB/s': +((framerOnly * avgBytes) / 1e6).toFixed(1) },
  { stage: 'framer + XML codec', 'frames/s': Math.round(framerCodec), 'MB/s': +((framerCodec * avgBytes) / 1e6).toFixed(1) },
  { stage: 'framer + codec + translation', 'frames/s': Math.round(full), 'MB/s': +((full * avgBytes) / 1e6).toFixed(1) },
  { stage: 'outbound: encode + frame', 'frames/s': Math.round(outbound), 'MB/s': +((outbound * avgBytes) / 1e6).toFixed(1) },
  { stage: 'uaCSTA: SIP framer (INFO)', 'frames/s': Math.round(sipFramer), 'MB/s': +((sipFramer * sipAvgBytes) / 1e6).toFixed(1) },
  { stage: 'uaCSTA: SIP framer + XML codec', 'frames/s': Math.round(sipFramerCodec), 'MB/s': +((sipFramerCodec * sipAvgBytes) / 1e6).toFixed(1) },
]);
