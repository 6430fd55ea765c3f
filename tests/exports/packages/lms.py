"""A stand-in LMS for browser tests: scorm-again's run-time API in a host page that launches a
SCO in an iframe, everything served from 127.0.0.1.

scorm-again (npm, pinned in browser/package-lock.json) is a third-party implementation of
the LMS side of SCORM 1.2 and 2004: it validates every call and value against the data
model and logs what it rejects as console errors, which the tests treat as failures.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from app.exports.packages import PackageFiles

NPM_PROJECT = Path(__file__).parent / "browser"
SCORM_AGAIN = NPM_PROJECT / "node_modules" / "scorm-again" / "dist" / "scorm-again.min.js"
# The host page: the LMS window. `?api=12|2004&sco=<path>[&mastery=<value>]`.
HOST_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="/scorm-again.min.js"></script></head>
<body><script>
  var query = new URLSearchParams(location.search);
  var is2004 = query.get("api") === "2004";
  var settings = { autocommit: false };
  var api = is2004 ? new Scorm2004API(settings) : new Scorm12API(settings);
  var mastery = query.get("mastery");
  if (mastery !== null) {
    if (is2004) { api.cmi.scaled_passing_score = mastery; }
    else { api.cmi.student_data.mastery_score = mastery; }
  }
  window.lmsCalls = [];
  var methods = is2004
    ? ["Initialize", "GetValue", "SetValue", "Commit", "Terminate"]
    : ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"];
  methods.forEach(function (method) {
    var original = api[method].bind(api);
    api[method] = function () {
      var args = Array.prototype.slice.call(arguments);
      var result = String(original.apply(null, args));
      window.lmsCalls.push({ method: method, args: args, result: result,
        error: String(is2004 ? api.GetLastError() : api.LMSGetLastError()) });
      return result;
    };
  });
  if (is2004) { window.API_1484_11 = api; } else { window.API = api; }
  var frame = document.createElement("iframe");
  frame.name = "sco";
  frame.src = query.get("sco");
  document.body.appendChild(frame);
</script></body></html>
"""


def ensure_scorm_again() -> Path:
    """Install the pinned scorm-again from the lockfile when this checkout has not yet."""
    if not SCORM_AGAIN.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install scorm-again for the SCORM browser tests"
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=NPM_PROJECT,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return SCORM_AGAIN


def write_site(root: Path, packages: dict[str, PackageFiles]) -> None:
    """`/host.html`, `/scorm-again.min.js` and each package under `/<name>/`."""
    (root / "host.html").write_text(HOST_PAGE)
    shutil.copyfile(ensure_scorm_again(), root / "scorm-again.min.js")
    for name, files in packages.items():
        for path, data in files.items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(
    root: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (an ephemeral port) for the duration of the block."""
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
