"""`courzly-scorm.js`: the SCORM run-time adapter shared by the 1.2 and 2004 packages.

The page's `data-courzly-tracking` says which API to look for: SCORM 1.2 content finds the
LMS's `API`, SCORM 2004 content `API_1484_11`, each by walking up `window.parent` and then
`window.opener`'s parents (the discovery algorithm both specs describe). Without an LMS,
every call is a no-op and the page still works. Errors the LMS reports are kept in
`CourzlyTracker.errors` instead of thrown, so content never breaks the learner's page.
"""

SCORM_SCRIPT = r"""/* Courzly SCORM 1.2 / 2004 run-time adapter. */
(function () {
  "use strict";
  var is2004 = document.documentElement.getAttribute("data-courzly-tracking") === "scorm2004";
  var names = is2004
    ? { api: "API_1484_11", init: "Initialize", get: "GetValue", set: "SetValue",
        commit: "Commit", end: "Terminate", error: "GetLastError" }
    : { api: "API", init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue",
        commit: "LMSCommit", end: "LMSFinish", error: "LMSGetLastError" };
  var STATUS = is2004 ? "cmi.completion_status" : "cmi.core.lesson_status";
  var errors = [];
  var started = false;
  var ended = false;
  var completed = false;
  var startedAt = Date.now();

  function search(win) {
    for (var hops = 0; win && hops < 500; hops += 1) {
      try {
        if (win[names.api]) {
          return win[names.api];
        }
      } catch (crossOrigin) {
        // A frame of another origin cannot be read; its parent may still hold the API.
      }
      if (win.parent === win) {
        return null;
      }
      win = win.parent;
    }
    return null;
  }

  var api = search(window) || (window.opener ? search(window.opener) : null);

  function call(method, args) {
    if (!api) {
      return "";
    }
    try {
      return String(api[names[method]].apply(api, args));
    } catch (failure) {
      errors.push(names[method] + " threw " + failure);
      return "";
    }
  }

  function check(what, result) {
    if (result !== "true") {
      errors.push(what + " failed with error " + call("error", []));
    }
  }

  function get(element) {
    return call("get", [element]);
  }

  function set(element, value) {
    check(names.set + " " + element, call("set", [element, String(value)]));
  }

  function pad(number, digits) {
    var text = String(number);
    while (text.length < digits) {
      text = "0" + text;
    }
    return text;
  }

  function sessionTime() {
    var seconds = (Date.now() - startedAt) / 1000;
    var hours = Math.min(Math.floor(seconds / 3600), 9999);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = (seconds % 60).toFixed(2);
    if (is2004) {
      return "PT" + hours + "H" + minutes + "M" + rest + "S";
    }
    return pad(hours, 2) + ":" + pad(minutes, 2) + ":" + pad(rest, 5);
  }

  function start() {
    if (!api || started) {
      return;
    }
    var initialized = call("init", [""]);
    check(names.init, initialized);
    if (initialized !== "true") {
      return;
    }
    started = true;
    var status = get(STATUS);
    if (status === "" || status === "not attempted" || status === "unknown") {
      set(STATUS, "incomplete");
    }
    check(names.commit, call("commit", [""]));
  }

  function completeLesson() {
    if (!started || ended) {
      return;
    }
    completed = true;
    // A SCORM 1.2 status of passed already implies completion; never downgrade it.
    if (is2004 || get(STATUS) !== "passed") {
      set(STATUS, "completed");
    }
  }

  function recordQuiz(correct, total, passed) {
    if (!started || ended) {
      return;
    }
    completed = true;
    var scaled = total ? correct / total : 0;
    var percent = Math.round(scaled * 10000) / 100;
    var score = is2004 ? "cmi.score." : "cmi.core.score.";
    set(score + "min", 0);
    set(score + "max", 100);
    set(score + "raw", percent);
    if (is2004) {
      set("cmi.score.scaled", Math.round(scaled * 10000) / 10000);
      set("cmi.success_status", passed ? "passed" : "failed");
      set("cmi.completion_status", "completed");
    } else {
      set("cmi.core.lesson_status", passed ? "passed" : "failed");
    }
  }

  function passingScore(fallback) {
    var value = is2004 ? get("cmi.scaled_passing_score") : get("cmi.student_data.mastery_score");
    var number = parseFloat(value);
    if (!started || isNaN(number)) {
      return fallback;
    }
    return is2004 ? number : number / 100;
  }

  function finish(moveOn) {
    if (!started || ended) {
      return;
    }
    ended = true;
    if (is2004) {
      set("cmi.session_time", sessionTime());
      set("cmi.exit", completed ? "normal" : "suspend");
      // Ask the LMS to deliver the next activity only when its sequencer allows it.
      if (moveOn && get("adl.nav.request_valid.continue") === "true") {
        set("adl.nav.request", "continue");
      }
    } else {
      set("cmi.core.session_time", sessionTime());
      set("cmi.core.exit", completed ? "" : "suspend");
    }
    check(names.commit, call("commit", [""]));
    check(names.end, call("end", [""]));
  }

  window.CourzlyTracker = {
    start: start,
    completeLesson: completeLesson,
    recordQuiz: recordQuiz,
    passingScore: passingScore,
    finish: finish,
    errors: errors,
    connected: function () {
      return api !== null && started;
    }
  };
})();
"""
