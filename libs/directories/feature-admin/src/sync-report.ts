import type { ReportLine } from '@tws/directories-data-access';

/** Lines of a report kept per run: reasons, and examples per reason. */
export const MAX_REPORT_LINES = 20;
export const MAX_EXAMPLES = 5;

/** Counts by reason with a few examples each, bounded whatever the directory's size. */
export class ReportTally {
  private readonly lines = new Map<string, ReportLine>();
  private other = 0;

  add(reason: string, example?: string): void {
    let line = this.lines.get(reason);
    if (!line) {
      if (this.lines.size >= MAX_REPORT_LINES) {
        this.other++;
        return;
      }
      line = { reason, count: 0, examples: [] };
      this.lines.set(reason, line);
    }
    line.count++;
    // Examples come from the source (DNs, values): keep them short and storable.
    if (example !== undefined && line.examples.length < MAX_EXAMPLES) line.examples.push(example.replace(/\u0000/g, '').slice(0, 300));
  }

  toJSON(): ReportLine[] {
    const lines = [...this.lines.values()].sort((a, b) => b.count - a.count);
    return this.other ? [...lines, { reason: 'other reasons', count: this.other, examples: [] }] : lines;
  }
}
