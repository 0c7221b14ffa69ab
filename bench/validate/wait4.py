#!/usr/bin/python3
"""Runs a command and writes its wall time, CPU and peak RSS, as /usr/bin/time -f '%e %U %S %M' does, to a file.

Usage: wait4.py OUTPUT COMMAND [ARG...]. The same measure as GNU time's (wall from just before fork to wait4's
return, user and system CPU and ru_maxrss from wait4's rusage of the child) but printed in microseconds instead of
GNU time's 10 ms steps: 'wall_s user_s sys_s maxrss_kb'. stdin, stdout and stderr are the command's; the exit code is
its own (128 + signal when a signal ended it).
"""
import os
import sys
import time


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.monotonic_ns()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    wall = (time.monotonic_ns() - start) / 1e9
    with open(out, "w") as f:
        f.write("%.6f %.6f %.6f %d\n" % (wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss))
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


main()
