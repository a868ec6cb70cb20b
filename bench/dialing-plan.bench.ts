/**
 * Dialing plan throughput: transformations per second for toDialable and toCanonical, on the
 * standard rules of a French domain (the baseline) and on the same plan with 30 regular-expression
 * rules in front of the catch-all "+" rule (what a multi-country installation looks like).
 * Prints figures, asserts nothing. Run: npm run build && node dist/bench/dialing-plan.bench.js
 * (BENCH_MS=2000 for longer runs).
 */
import { compileDialingPlan, standardRules, type DialingPlan, type DialingPlanSettings, type DialingRule } from '@tws/dialing-plan';

const RUN_MS = Number(process.env.BENCH_MS ?? 1000);

const FRANCE: DialingPlanSettings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4, remove: '0' };

/** What users click and type, and what directories hold: national, international, internal, facilities. */
const TYPED = [
  '+33 1 55 17 18 89',
  '01 55 17 18 89',
  '0033155171889',
  '+33 (0)6 12 34 56 78',
  '4711',
  '+44 20 7946 0018',
  '+49 (0)40 1234567',
  '+39 06 1234 5678',
  '+1 (212) 555-0142',
  '0044 20 7946 0018',
  '*31#0155171889',
  '+42(0)141906666',
];

/** What the PBX presents on incoming calls (external prefix kept, hence remove "0"). */
const PRESENTED = ['00155171889', '00612345678', '000442079460018', '4711', '0004940123456', '2001'];

/** 30 countries reached through an extended rule each, like the guide's rule of 5.3. */
const COUNTRY_CODES = ['1', '7', '20', '27', '30', '31', '32', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '54', '55', '61', '81', '82', '86', '90', '91', '351'];

function regexRules(): DialingRule[] {
  return COUNTRY_CODES.map((cc, i) => ({
    priority: 30 + i,
    name: `Country ${cc}`,
    pattern: String.raw`[(\+|[-InternationalPrefix-])` + cc + String.raw`(\(0\))?(\d+)$]`,
    value: `[-ExternalPrefix-][-InternationalPrefix-]${cc}$3`,
  }));
}

function compile(rules: DialingRule[]): DialingPlan {
  const result = compileDialingPlan(FRANCE, rules);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.plan;
}

/** Runs `op` over the inputs, round robin, for RUN_MS after a short warm-up; returns ops/s. */
function measure<T>(inputs: readonly T[], op: (input: T) => unknown): number {
  const until = (ms: number) => {
    const end = performance.now() + ms;
    let n = 0;
    let sink = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 256; i++) {
        const r = op(inputs[n++ % inputs.length]);
        if (r !== undefined) sink++;
      }
    }
    if (sink < 0) console.log(sink);
    return n;
  };
  until(Math.min(200, RUN_MS / 5));
  const started = performance.now();
  const n = until(RUN_MS);
  return n / ((performance.now() - started) / 1000);
}

const fmt = (opsPerSecond: number) => Math.round(opsPerSecond).toLocaleString('en-US');
const us = (opsPerSecond: number) => (1e6 / opsPerSecond).toFixed(2);

const baselineRules = standardRules(FRANCE);
const fullRules = [...baselineRules, ...regexRules()];
const baseline = compile(baselineRules);
const full = compile(fullRules);

const rows: Record<string, { 'ops/s': string; 'µs/op': string; 'vs baseline': string }> = {};
function row(name: string, opsPerSecond: number, base?: number): void {
  rows[name] = { 'ops/s': fmt(opsPerSecond), 'µs/op': us(opsPerSecond), 'vs baseline': base ? `${(opsPerSecond / base).toPrecision(2)}×` : 'baseline' };
}

const dialBase = measure(TYPED, (n) => baseline.toDialable(n));
row(`toDialable, ${baselineRules.length} standard rules`, dialBase);
row(`toDialable, + ${fullRules.length - baselineRules.length} regex rules`, measure(TYPED, (n) => full.toDialable(n)), dialBase);

const canonBase = measure(TYPED, (n) => baseline.toCanonical(n));
row(`toCanonical (directory), ${baselineRules.length} standard rules`, canonBase);
row(`toCanonical (directory), + ${fullRules.length - baselineRules.length} regex rules`, measure(TYPED, (n) => full.toCanonical(n)), canonBase);
row('toCanonical (PBX, remove "0")', measure(PRESENTED, (n) => full.toCanonical(n, 'pbx')), canonBase);

const compileBase = measure([baselineRules], (r) => compile(r));
row(`compileDialingPlan, ${baselineRules.length} standard rules`, compileBase);
row(`compileDialingPlan, + ${fullRules.length - baselineRules.length} regex rules`, measure([fullRules], (r) => compile(r)), compileBase);

// A pattern that backtracks exponentially elsewhere, on the longest number accepted (64).
const evil = compile([{ priority: 1, name: 'evil', pattern: '[(0+)+$]', value: '' }]);
const evilInput = `${'0'.repeat(63)}(`;
row('toDialable, [(0+)+$] on 64 characters (RE2JS)', measure([evilInput], (n) => evil.toDialable(n)), dialBase);

console.log(`Dialing plan (France, ${TYPED.length} typed numbers, ${PRESENTED.length} presented), ${RUN_MS} ms per row, node ${process.version}`);
console.table(rows);

// For scale: the same pattern on JavaScript's backtracking RegExp, on inputs far shorter than 64.
const backtracking: Record<string, { ms: string }> = {};
for (let i = 0; i < 100; i++) /^(0+)+$/.test(`${'0'.repeat(11)}(`);
for (const length of [20, 22, 24, 26]) {
  const input = `${'0'.repeat(length - 1)}(`;
  const started = performance.now();
  /^(0+)+$/.test(input);
  backtracking[`JavaScript RegExp /^(0+)+$/, ${length} characters`] = { ms: (performance.now() - started).toFixed(1) };
}
console.log('One match on a backtracking engine (what the safe engine avoids; 64 characters would take years):');
console.table(backtracking);
