"""Gale spawn helper: starts programs for the node agent, so that the agent's JVM never forks.

One helper serves one node agent over the helper's stdin (requests) and stdout (replies). It
starts each program with posix_spawn (vfork speed, no copy of the JVM), in a process group of its
own, stdin from /dev/null and stdout/stderr into pipes that it reads itself, keeping at most
"max" bytes of each (the rest is read and dropped, so a program never blocks on a full pipe).

Requests, one JSON object per line:
  {"op": "spawn", "id": N, "argv": [...], "cwd": DIR, "env": {NAME: VALUE}, "max": BYTES}
      env is added to the helper's own environment (which the agent already scrubbed)
  {"op": "kill", "id": N, "grace": SECONDS}
      SIGTERM to the program's process group now, SIGKILL to it after the grace period

Requests are pipelined: the agent does not wait for one answer before it sends the next request.
Replies, a JSON header line, followed for "exit" by the raw output bytes (the replies of one turn
of the helper's loop leave in one write):
  {"t": "ready", "pid": P}                                   once, at start
  {"t": "started", "id": N, "pid": P}
  {"t": "failed", "id": N, "errno": E, "message": TEXT}      the program could not be started
  {"t": "exit", "id": N, "code": C, "out": LEN, "err": LEN, "truncated": B}  + stdout + stderr
      code is the exit status, or 128 + the signal number when a signal ended the program;
      sent once the program exited and its pipes closed, or 0.5 s after its exit when a
      background child still holds them

When the agent closes stdin (it stopped or died), every running program's group is killed and
the helper exits.
"""

import errno
import json
import os
import select
import signal
import sys
import time

LINGER = 0.5
CHUNK = 65536
# dispositions python changes, and that exec would otherwise pass on to the programs; SIGINT only
# when the helper did not inherit it ignored (read here, before main() ignores it): programs get
# what the JVM's own children get, ignored when the agent runs with SIGINT ignored (nohup, `&`)
RESET_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGPIPE", "SIGXFSZ", "SIGXFZ", "SIGINT", "SIGCHLD")
    if hasattr(signal, name)
    and not (name == "SIGINT" and signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
)


class Child:
    __slots__ = ("id", "pid", "max", "out", "err", "truncated", "pipes", "code", "deadline")

    def __init__(self, rid, pid, limit):
        self.id = rid
        self.pid = pid
        self.max = limit
        self.out = bytearray()
        self.err = bytearray()
        self.truncated = False
        self.pipes = 2
        self.code = None
        self.deadline = None


class Helper:
    def __init__(self):
        self.poller = select.epoll()
        self.fds = {}  # fd -> (kind, child): "in", "wake", "out" or "err"
        self.outq = []  # replies written at the end of the loop turn, in one write
        self.children = {}  # id -> Child, until its exit was sent
        self.by_pid = {}  # pid -> Child, until reaped
        self.escalations = []  # (time, pgid)
        self.env = dict(os.environ)
        self.home = os.getcwd()
        self.inbuf = bytearray()
        self.running = True
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        os.set_blocking(0, False)
        self.watch(0, "in", None)
        self.watch(self.wake_r, "wake", None)

    def watch(self, fd, kind, child):
        self.fds[fd] = (kind, child)
        self.poller.register(fd, select.EPOLLIN)

    def unwatch(self, fd):
        del self.fds[fd]
        self.poller.unregister(fd)
        os.close(fd)

    def send(self, header, payload=()):
        """Queues a reply; flush() writes what the loop turn queued at once."""
        self.outq.append(json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n")
        for part in payload:
            if part:
                self.outq.append(bytes(part))

    def flush(self):
        if not self.outq:
            return
        view = memoryview(b"".join(self.outq))
        self.outq = []
        while view:
            n = os.write(1, view)
            view = view[n:]

    # --- requests -------------------------------------------------------------------------

    def read_requests(self):
        try:
            data = os.read(0, CHUNK)
        except BlockingIOError:
            return
        if not data:
            self.running = False
            return
        self.inbuf += data
        while True:
            nl = self.inbuf.find(b"\n")
            if nl < 0:
                break
            line = bytes(self.inbuf[:nl])
            del self.inbuf[: nl + 1]
            if line.strip():
                self.handle_line(line)

    def handle_line(self, line):
        req = None
        try:
            req = json.loads(line)
            self.handle(req)
        except Exception as exc:  # noqa: B902 - one bad request must not end the others
            rid = req.get("id") if isinstance(req, dict) else None
            if rid is None or rid in self.children:
                sys.stderr.write("gale spawn helper: bad request: %s\n" % exc)
                sys.stderr.flush()
            else:
                self.send({"t": "failed", "id": rid, "errno": 0, "message": str(exc)})

    def handle(self, req):
        op = req.get("op")
        if op == "spawn":
            self.spawn(req)
        elif op == "kill":
            self.kill(req["id"], float(req.get("grace", 2.0)))
        else:
            raise ValueError("unknown op %r" % op)

    def spawn(self, req):
        rid = req["id"]
        argv = req["argv"]
        env = self.env
        extra = req.get("env")
        if extra:
            env = dict(env)
            env.update(extra)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out_w, 1),
            (os.POSIX_SPAWN_DUP2, err_w, 2),
        ]
        try:
            # posix_spawn has no working-directory action: the helper is single-threaded, so it
            # steps into the directory for the spawn (and stays: it needs no directory of its own)
            os.chdir(req.get("cwd") or self.home)
            pid = os.posix_spawnp(
                argv[0],
                argv,
                env,
                file_actions=actions,
                setpgroup=0,
                setsigmask=(),
                setsigdef=RESET_SIGNALS,
            )
        except (OSError, ValueError) as exc:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            code = getattr(exc, "errno", None) or 0
            text = getattr(exc, "strerror", None) or str(exc)
            self.send({"t": "failed", "id": rid, "errno": code, "message": text})
            return
        os.close(out_w)
        os.close(err_w)
        child = Child(rid, pid, int(req.get("max", 65536)))
        self.children[rid] = child
        self.by_pid[pid] = child
        os.set_blocking(out_r, False)
        os.set_blocking(err_r, False)
        self.watch(out_r, "out", child)
        self.watch(err_r, "err", child)
        self.send({"t": "started", "id": rid, "pid": pid})

    def kill(self, rid, grace):
        child = self.children.get(rid)
        if child is None:
            return  # already reported
        self.signal_group(child.pid, signal.SIGTERM)
        self.escalations.append((time.monotonic() + grace, child.pid))

    @staticmethod
    def signal_group(pgid, sig):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    # --- children -------------------------------------------------------------------------

    def read_pipe(self, fd, which, child):
        try:
            data = os.read(fd, CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.unwatch(fd)
            child.pipes -= 1
            self.maybe_finish(child)
            return
        buf = child.out if which == "out" else child.err
        room = child.max - len(buf)
        if room > 0:
            buf += data[:room]
        if len(data) > room:
            child.truncated = True

    def reap(self):
        try:
            while os.read(self.wake_r, 4096):
                pass
        except BlockingIOError:
            pass
        while self.by_pid:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            child = self.by_pid.pop(pid, None)
            if child is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            child.code = code if code >= 0 else 128 - code
            if child.pipes:
                child.deadline = time.monotonic() + LINGER
            self.maybe_finish(child)

    def maybe_finish(self, child, force=False):
        if child.code is None or (child.pipes and not force):
            return
        if child.pipes:
            # a background process still holds the pipes: report what arrived so far
            for fd in [fd for fd, (_, c) in self.fds.items() if c is child]:
                self.unwatch(fd)
            child.pipes = 0
        del self.children[child.id]
        header = {
            "t": "exit",
            "id": child.id,
            "code": child.code,
            "out": len(child.out),
            "err": len(child.err),
            "truncated": child.truncated,
        }
        self.send(header, (child.out, child.err))

    def timeout(self):
        now = time.monotonic()
        times = [c.deadline for c in self.children.values() if c.deadline is not None]
        times.extend(t for t, _ in self.escalations)
        if not times:
            return None
        return max(0.0, min(times) - now)

    def on_timers(self):
        now = time.monotonic()
        for child in [c for c in self.children.values() if c.deadline is not None]:
            if child.deadline <= now:
                self.maybe_finish(child, force=True)
        due = [e for e in self.escalations if e[0] <= now]
        if due:
            self.escalations = [e for e in self.escalations if e[0] > now]
            for _, pgid in due:
                self.signal_group(pgid, signal.SIGKILL)

    def run(self):
        self.send({"t": "ready", "pid": os.getpid()})
        while self.running:
            self.flush()
            timeout = self.timeout()
            try:
                events = self.poller.poll(-1 if timeout is None else timeout)
            except InterruptedError:
                events = ()
            for fd, _ in events:
                entry = self.fds.get(fd)
                if entry is None:
                    continue  # closed earlier in this turn
                kind, child = entry
                if kind == "in":
                    self.read_requests()
                elif kind == "wake":
                    self.reap()
                else:
                    self.read_pipe(fd, kind, child)
            self.on_timers()
        self.flush()
        for child in list(self.children.values()):
            self.signal_group(child.pid, signal.SIGKILL)


def main():
    # a Ctrl-C at the terminal is for the agent, which stops its tasks itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not hasattr(os, "posix_spawnp") or not hasattr(os, "waitstatus_to_exitcode"):
        sys.stderr.write("gale spawn helper needs Python 3.9 or newer\n")
        sys.exit(3)
    try:
        Helper().run()
    except BrokenPipeError:
        pass


if __name__ == "__main__":
    main()
