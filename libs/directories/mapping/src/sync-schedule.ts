/**
 * When a directory synchronizes by itself (guide 8.2.1):
 * - `daily` ("Synchro Auto"): every day at `timeSynchronizationDirectories` (HH:MM, server local
 *   time). A directory that has not synchronized since today's time (never, or the service was
 *   down at that time) synchronizes at once: the day's run is caught up, not skipped.
 * - `frequent` ("Synchro HF"): every N minutes or hours after the start of the previous run
 *   (whatever its outcome, so a failing source is retried at the same pace, not in a loop).
 * - `manual`: never by itself.
 */
export interface SyncScheduleInput {
  mode: 'manual' | 'daily' | 'frequent';
  every?: number | null;
  unit?: 'minutes' | 'hours' | null;
  /** Start of the latest run, whatever its outcome; null when it never ran. */
  lastStartedAt: Date | null;
  /** `timeSynchronizationDirectories`, HH:MM. */
  dailyAt: string;
  now: Date;
}

const HH_MM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/**
 * The one daily synchronization time of the installation (HH:MM, server local time, guide 8.2.1):
 * daily directory synchronizations and daily user imports run at it.
 */
export const DAILY_SYNC_TIME_PARAMETER = 'timeSynchronizationDirectories';

/** Parses HH:MM (00:00–23:59); undefined when it is not one. */
export function parseDailyTime(text: string): { hours: number; minutes: number } | undefined {
  const m = HH_MM.exec(text.trim());
  return m ? { hours: Number(m[1]), minutes: Number(m[2]) } : undefined;
}

/** Today's synchronization time (local time of the server). */
export function dailySlot(now: Date, dailyAt: string): Date | undefined {
  const t = parseDailyTime(dailyAt);
  if (!t) return undefined;
  const slot = new Date(now);
  slot.setHours(t.hours, t.minutes, 0, 0);
  return slot;
}

export function frequencyMs(every: number, unit: 'minutes' | 'hours'): number {
  return every * (unit === 'hours' ? 3_600_000 : 60_000);
}

/** True when the directory should start a synchronization now. */
export function isSyncDue(s: SyncScheduleInput): boolean {
  switch (s.mode) {
    case 'manual':
      return false;
    case 'daily': {
      const slot = dailySlot(s.now, s.dailyAt);
      if (!slot || s.now < slot) return false;
      return s.lastStartedAt === null || s.lastStartedAt < slot;
    }
    case 'frequent': {
      if (!s.every || !s.unit) return false;
      return s.lastStartedAt === null || s.now.getTime() - s.lastStartedAt.getTime() >= frequencyMs(s.every, s.unit);
    }
  }
}
