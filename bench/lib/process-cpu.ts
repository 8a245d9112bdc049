import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by each descendant of this process, keyed by a label. */
export function childCpuSeconds(label: (commandLine: string) => string): Map<string, number> {
  const parents = new Map<number, number>();
  const stats = new Map<number, { cpu: number; commandLine: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      stats.set(Number(entry), { cpu, commandLine });
    } catch {
      continue;
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (
      let current = parents.get(pid);
      current !== undefined && current > 1;
      current = parents.get(current)
    ) {
      if (current === process.pid) return true;
    }

    return false;
  };
  const totals = new Map<string, number>();
  for (const [pid, { cpu, commandLine }] of stats) {
    if (!isDescendant(pid)) continue;
    const key = label(commandLine);
    totals.set(key, (totals.get(key) ?? 0) + cpu);
  }

  return totals;
}

/** CPU seconds (user + system, all threads) this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();

  return (user + system) / 1e6;
}
