import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Resident set size of a process, MiB (VmRSS in /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** CPU time a process used so far, seconds: utime + stime of /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** What {@link sampleIdle} measured. */
export interface IdleSample {
  /** RSS samples, MiB, one per interval. */
  rssMb: number[];
  /** CPU used over the window as a percentage of one core. */
  cpuPct: number;
  /** Length of the window, s. */
  seconds: number;
}

/** Samples a process's RSS every `intervalMs` and its CPU use over `seconds` of wall time. */
export async function sampleIdle(pid: number, seconds: number, intervalMs = 500): Promise<IdleSample> {
  const rss: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    rss.push(rssMb(pid));
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const wall = (performance.now() - t0) / 1000;
  return { rssMb: rss, cpuPct: ((cpuSeconds(pid) - cpu0) / wall) * 100, seconds: wall };
}
