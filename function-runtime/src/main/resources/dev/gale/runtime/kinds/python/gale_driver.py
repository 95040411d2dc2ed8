"""Gale python driver: runs functions for the node agent, one request per line.

Protocol (UTF-8 JSON, one object per line):
  driver -> agent, once at start:   {"ready": true, "python": "3.11.7"}
  agent -> driver:  {"fid": ID, "args": {...}, "source"?: SRC, "entrypoint"?: NAME}
  driver -> agent:  {"ok": true, "result": VALUE}
                or  {"ok": false, "error": {"code", "message", "details"?}}

The function's source comes with the first call of a function id in this process; it is compiled
once and cached. The protocol uses private duplicates of the original stdin/stdout; file
descriptors 0 and 1 are pointed at /dev/null and stderr, so nothing the function (or a program it
starts) prints can corrupt the protocol. Python-level prints during a call are captured and
returned with an exception.
"""

import builtins
import io
import json
import linecache
import os
import sys
import traceback

MAX_TEXT = int(os.environ.get("GALE_PY_MAX_TEXT", "65536"))


class _Capture(io.TextIOBase):
    """A bounded text sink that stands in for sys.stdout / sys.stderr during a call."""

    def __init__(self):
        self._parts = []
        self._size = 0
        self.truncated = False

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            s = str(s)
        room = MAX_TEXT - self._size
        if room > 0:
            part = s[:room]
            self._parts.append(part)
            self._size += len(part)
        if len(s) > max(room, 0):
            self.truncated = True
        return len(s)

    def getvalue(self):
        return "".join(self._parts)


def _clip(text):
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + "\n... [truncated]"


def _error(code, message, details=None):
    err = {"code": code, "message": _clip(message)}
    if details is not None:
        err["details"] = details
    return {"ok": False, "error": err}


def _exception_details(exc, skip_frames, out, err):
    tb = exc.__traceback__
    for _ in range(skip_frames):
        if tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
    lines = traceback.format_exception(type(exc), exc, tb)
    details = {
        "type": type(exc).__name__,
        "message": _clip(str(exc)),
        "traceback": _clip("".join(lines)),
    }
    if out is not None:
        details["stdout"] = out.getvalue()
        details["stderr"] = err.getvalue()
    return details


def _define(functions, fid, source, entrypoint):
    filename = "<gale function %s>" % fid
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "gale_function", "__builtins__": builtins, "__file__": filename}
    try:
        code = compile(source, filename, "exec")
        exec(code, namespace)
    except BaseException as exc:  # noqa: B902 - anything the module body raises
        return _error(
            "invalid_function",
            "the function's source fails to load: %s: %s" % (type(exc).__name__, exc),
            _exception_details(exc, 1, None, None),
        )
    fn = namespace.get(entrypoint)
    if fn is None or not callable(fn):
        return _error(
            "invalid_function",
            "the source defines no callable named '%s'" % entrypoint,
        )
    functions[fid] = fn
    return None


def _call(functions, request):
    fid = request.get("fid")
    if "source" in request:
        problem = _define(functions, fid, request["source"], request.get("entrypoint") or "")
        if problem is not None:
            return problem
    fn = functions.get(fid)
    if fn is None:
        return _error("internal_error", "function %s was never defined in this process" % fid)
    args = request.get("args")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return _error("invalid_args", "args must be a JSON object")

    out, err = _Capture(), _Capture()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        value = fn(**args)
    except BaseException as exc:  # noqa: B902 - SystemExit and KeyboardInterrupt included
        sys.stdout, sys.stderr = saved
        details = _exception_details(exc, 1, out, err)
        return _error("exception", "%s: %s" % (type(exc).__name__, exc), details)
    finally:
        sys.stdout, sys.stderr = saved
    try:
        text = json.dumps(value, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        return _error(
            "invalid_result",
            "the function returned a value that is not JSON: %s" % exc,
            {"type": type(value).__name__},
        )
    return text


def main():
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8", newline="\n")
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, "r")
    sys.stdout = sys.stderr

    def send(obj):
        proto_out.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False))
        proto_out.write("\n")
        proto_out.flush()

    send({"ready": True, "python": sys.version.split()[0]})
    functions = {}
    for line in proto_in:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            response = _call(functions, request)
        except BaseException as exc:  # noqa: B902 - never die on one request
            response = _error("internal_error", "driver failed: %s: %s" % (type(exc).__name__, exc))
        if isinstance(response, str):
            proto_out.write('{"ok":true,"result":')
            proto_out.write(response)
            proto_out.write("}\n")
            proto_out.flush()
        else:
            send(response)


if __name__ == "__main__":
    main()
