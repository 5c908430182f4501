import { readFileSync } from 'node:fs';

/** CPU time (user + system) a process has used so far, in milliseconds (Linux /proc). */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU time of a process tree so far, in milliseconds: every live process's own time plus that of
 * the children it has already reaped (initdb, PostgreSQL connections that ended).
 */
export function treeCpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime, stime, cutime, cstime: fields 14 to 17 of stat.
      ticks += fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / 100;
}
