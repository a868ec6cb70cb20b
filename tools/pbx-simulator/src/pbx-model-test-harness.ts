import type { CstaEventBody } from '@tws/csta';
import { PbxModel } from './pbx-model';

// The PbxModel as the specs drive it (not exported by the tool).

/** A compact trace line: "device Type localState cause", in the order the switch reports them. */
export type Trace = [device: string, type: string, local: string | undefined, cause: string | undefined];

/** A model with the devices 4001–4003, the events it reports, and helpers over them. */
export function modelHarness(options: ConstructorParameters<typeof PbxModel>[1] = {}) {
  const sut = new PbxModel(['4001', '4002', '4003'], options);
  const events: { device: string; event: CstaEventBody }[] = [];
  sut.onEvent((device, event) => events.push({ device, event }));
  /** The events since the last call, as trace lines. */
  const trace = (): Trace[] => events.splice(0).map(({ device, event }) => [device, event.type, event.localConnectionInfo, event.cause]);
  /** Makes `device` busy with a network call it answered; returns that call's id. */
  const busy = (device: string, from = '+4930111' + device) => {
    const call = sut.placeCall(from, device);
    sut.answer(device, call.callId);
    events.length = 0;
    return call.callId;
  };
  return { sut, events, trace, busy };
}
