import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import pidusage from 'pidusage';

/** What a meter measured over a run's life. */
export interface ResourceMeasurement {
  /** From {@link ProcessTreeMeter.start} to {@link ProcessTreeMeter.stop}, seconds. */
  wallSeconds: number;
  /** CPU time (user + system) of the whole process tree, seconds. */
  cpuSeconds: number;
  /** Largest resident memory of the whole tree at one sample, bytes. */
  memoryPeakBytes: number;
  /** Resident memory of the tree integrated over time, GB-seconds (GB = 2^30 bytes). */
  memoryGbSeconds: number;
  /** Samples taken. */
  samples: number;
  /** `proc` (Linux /proc, the whole tree) or `pidusage` (elsewhere: the root process only). */
  method: 'proc' | 'pidusage';
}

/** Options of {@link ProcessTreeMeter}. */
export interface ProcessTreeMeterOptions {
  /** First sampling interval, ms; it doubles after each sample up to `maxIntervalMs` (default 50). */
  firstIntervalMs?: number;
  /** Longest sampling interval, ms (default 1000). */
  maxIntervalMs?: number;
  /** Root of `/proc` (default `/proc`; tests may point elsewhere). */
  procRoot?: string;
}

/** Clock ticks per second of /proc times: USER_HZ, fixed at 100 in the Linux ABI. */
const USER_HZ = 100;
const GIB = 1024 ** 3;
/** Every this many samples the meter scans all of /proc (see members_). */
const FULL_SCAN_EVERY = 10;

interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  startTime: number;
  /** utime + stime + cutime + cstime, ticks. */
  ticks: number;
  rssPages: number;
}

/** Parses `/proc/<pid>/stat` (fields per proc(5); the command may hold spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const n = (i: number) => Number(f[i - 3]);
  const stat = { pid: Number(text.slice(0, open).trim()), ppid: n(4), pgid: n(5), startTime: n(22), ticks: n(14) + n(15) + n(16) + n(17), rssPages: n(24) };
  return Object.values(stat).every(Number.isFinite) ? stat : undefined;
}

let pageSizeCache: number | undefined;
/** Bytes per page, from /proc/self (VmRSS kB over resident pages), rounded to a power of two; 4096 when unknown. */
function pageSize(procRoot: string): number {
  if (pageSizeCache !== undefined) return pageSizeCache;
  try {
    const status = readFileSync(`${procRoot}/self/status`, 'utf8');
    const statm = readFileSync(`${procRoot}/self/statm`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    const pages = Number(statm.split(' ')[1]);
    const raw = (kb * 1024) / pages;
    pageSizeCache = Number.isFinite(raw) && raw > 0 ? 2 ** Math.round(Math.log2(raw)) : 4096;
  } catch {
    pageSizeCache = 4096;
  }
  return pageSizeCache;
}

/**
 * Measures a launched process and everything it starts: its process group
 * and every descendant (also those that left the group), sampled from
 * /proc at growing intervals (50 ms doubling to 1 s, so short runs are
 * sampled too).
 *
 * CPU: the sum over live members of utime + stime + cutime + cstime, plus the
 * last value of members that ended without a live member parent to inherit
 * their time (a reaped child's time moves into its parent's cutime, so it is
 * never counted twice). The root's time after its last sample is lost when it
 * exits: at most one interval (≤ 1 s).
 * Memory: the sum of members' resident set at each sample; the peak of it and
 * its integral over time (GB-seconds, rectangle rule).
 *
 * On systems without /proc, falls back to `pidusage` on the root process only.
 * Never throws; a failed sample is skipped.
 */
export class ProcessTreeMeter {
  private readonly startedAt = performance.now();
  private readonly procRoot: string;
  private readonly maxIntervalMs: number;
  private interval: number;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Live members by pid: last stat seen. */
  private members = new Map<number, ProcStat>();
  private retainedTicks = 0;
  private cpuTicks = 0;
  private peakBytes = 0;
  private gbSeconds = 0;
  private lastSampleAt: number;
  private lastBytes = 0;
  private samples = 0;
  private readonly method: 'proc' | 'pidusage';
  private pidusageCpuMs = 0;

  private constructor(
    private readonly rootPid: number,
    options: ProcessTreeMeterOptions,
  ) {
    this.procRoot = options.procRoot ?? '/proc';
    this.interval = options.firstIntervalMs ?? 50;
    this.maxIntervalMs = options.maxIntervalMs ?? 1000;
    this.lastSampleAt = this.startedAt;
    let hasProc = false;
    try {
      readFileSync(`${this.procRoot}/self/stat`);
      hasProc = true;
    } catch {
      hasProc = false;
    }
    this.method = hasProc ? 'proc' : 'pidusage';
  }

  /** Starts measuring the tree rooted at `rootPid` (a process that leads its own process group). */
  static start(rootPid: number, options: ProcessTreeMeterOptions = {}): ProcessTreeMeter {
    const meter = new ProcessTreeMeter(rootPid, options);
    meter.sampleNow();
    meter.schedule();
    return meter;
  }

  /** Takes a last sample, stops sampling and returns the measurement. */
  async stop(): Promise<ResourceMeasurement> {
    if (!this.stopped) {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      this.sampleNow();
    }
    await this.sampling;
    const cpuSeconds = this.method === 'proc' ? this.cpuTicks / USER_HZ : this.pidusageCpuMs / 1000;
    return {
      wallSeconds: (performance.now() - this.startedAt) / 1000,
      cpuSeconds,
      memoryPeakBytes: this.peakBytes,
      memoryGbSeconds: this.gbSeconds,
      samples: this.samples,
      method: this.method,
    };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sampleNow();
      this.interval = Math.min(this.maxIntervalMs, this.interval * 2);
      this.schedule();
    }, this.interval);
    this.timer.unref();
  }

  private sampleNow(): void {
    this.sampling = this.sampling.then(() => (this.method === 'proc' ? this.sampleProc() : this.samplePidusage())).catch(() => undefined);
  }

  private account(bytes: number): void {
    const now = performance.now();
    this.gbSeconds += (this.lastBytes / GIB) * ((now - this.lastSampleAt) / 1000);
    this.lastSampleAt = now;
    this.lastBytes = bytes;
    this.peakBytes = Math.max(this.peakBytes, bytes);
    this.samples += 1;
  }

  /** Reads `/proc/<pid>/stat`; undefined when the process is gone. */
  private async stat(pid: number): Promise<ProcStat | undefined> {
    return parseProcStat(await readFile(`${this.procRoot}/${pid}/stat`, 'utf8').catch(() => ''));
  }

  /**
   * Current members. Every {@link FULL_SCAN_EVERY}th sample (and the first
   * three) scans all of /proc: the root's process group, descendants by
   * parent pid, and members seen before that still live (same start time).
   * In between, only known members and their children
   * (`/proc/<pid>/task/<pid>/children`) are read, so a sample costs in
   * proportion to the tree, not to the machine.
   */
  private async members_(): Promise<Map<number, ProcStat>> {
    const next = new Map<number, ProcStat>();
    const known = (s: ProcStat) => {
      const k = this.members.get(s.pid);
      return s.pid === this.rootPid || s.pgid === this.rootPid || (k !== undefined && k.startTime === s.startTime);
    };
    if (this.samples < 3 || this.samples % FULL_SCAN_EVERY === 0) {
      const entries = await readdir(this.procRoot);
      const all = new Map<number, ProcStat>();
      for (const s of await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map((e) => this.stat(Number(e))))) if (s) all.set(s.pid, s);
      for (const s of all.values()) if (known(s)) next.set(s.pid, s);
      const children = new Map<number, ProcStat[]>();
      for (const s of all.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
      const queue = [...next.keys()];
      while (queue.length > 0) {
        for (const c of children.get(queue.pop()!) ?? []) {
          if (!next.has(c.pid)) {
            next.set(c.pid, c);
            queue.push(c.pid);
          }
        }
      }
      return next;
    }
    const queue = [...new Set([this.rootPid, ...this.members.keys()])];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const batch = queue.splice(0).filter((p) => !seen.has(p));
      batch.forEach((p) => seen.add(p));
      const stats = await Promise.all(batch.map((p) => this.stat(p)));
      const kids = await Promise.all(
        stats.map(async (s) => {
          if (!s || !(known(s) || next.has(s.ppid))) return [];
          next.set(s.pid, s);
          const text = await readFile(`${this.procRoot}/${s.pid}/task/${s.pid}/children`, 'utf8').catch(() => '');
          return text.split(' ').filter((x) => x.trim() !== '').map(Number);
        }),
      );
      for (const k of kids.flat()) if (!seen.has(k)) queue.push(k);
    }
    return next;
  }

  private async sampleProc(): Promise<void> {
    const next = await this.members_();
    // Members that ended: their time went to a live member parent's cutime, or is kept here.
    for (const [pid, last] of this.members) {
      if (next.has(pid)) continue;
      if (!next.has(last.ppid)) this.retainedTicks += last.ticks;
    }
    this.members = next;
    let ticks = this.retainedTicks;
    let pages = 0;
    for (const s of next.values()) {
      ticks += s.ticks;
      pages += s.rssPages;
    }
    this.cpuTicks = Math.max(this.cpuTicks, ticks);
    this.account(pages * pageSize(this.procRoot));
  }

  private async samplePidusage(): Promise<void> {
    try {
      const s = await pidusage(this.rootPid);
      this.pidusageCpuMs = Math.max(this.pidusageCpuMs, s.ctime);
      this.account(s.memory);
    } catch {
      this.account(0);
    }
  }
}
