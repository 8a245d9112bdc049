"""Child process of the thumbnail bench: runs one command several times.

Usage: run_timed.py <runs> <command> [args...]
Runs the command runs + 1 times (the first is a warm-up, not reported) and
prints {"timesMs": [...], "cpuMs": [...]}: the wall time of each run and its
CPU time (user + system of the child, from wait4, to the microsecond). CPU
time is what other processes competing for the same core cannot inflate.
"""

import json
import os
import sys
import time


def main():
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    times = []
    cpu = []
    for index in range(runs + 1):
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 1)
            try:
                os.execv(command[0], command)
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{command[0]} exited with status {os.waitstatus_to_exitcode(status)}")
        if index > 0:
            times.append(elapsed)
            cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    print(json.dumps({"timesMs": times, "cpuMs": cpu}))


if __name__ == "__main__":
    main()
