"""`courzly-cmi5.js`: the cmi5 AU side, speaking xAPI to the LRS the LMS names at launch.

The cmi5 launch query carries `endpoint`, `fetch`, `actor`, `registration` and `activityId`.
The AU trades the one-time fetch URL for an auth token, reads `LMS.LaunchData` (context
template, launch mode, mastery score, return URL) and sends the cmi5 defined statements:
initialized, completed (lessons), passed or failed (quizzes), terminated. cmi5 forbids a
second completed or passed per registration, so the AU remembers them in its own activity
state document. Opened outside an LMS (no launch parameters) it does nothing.
The `http://adlnet.gov/...` and `https://w3id.org/...` strings are xAPI identifiers (IRIs),
never fetched.
"""

CMI5_SCRIPT = r"""/* Courzly cmi5 AU run-time. */
(function () {
  "use strict";
  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
  var PROGRESS = "courzly.progress";
  var query = new URLSearchParams(window.location.search);
  var launch = {};
  ["endpoint", "fetch", "actor", "registration", "activityId"].forEach(function (name) {
    launch[name] = query.get(name);
  });
  var live = Boolean(launch.endpoint && launch.fetch && launch.actor && launch.registration &&
    launch.activityId);
  var errors = [];
  var token = null;
  var launchData = {};
  var progress = {};
  var started = false;
  var ended = false;
  var startedAt = Date.now();
  var queue = Promise.resolve();

  function later(step) {
    queue = queue.then(function () {
      return live ? step() : null;
    }).catch(function (failure) {
      errors.push(String(failure));
    });
    return queue;
  }

  function ok(response) {
    if (!response.ok) {
      throw new Error(response.url + ": HTTP " + response.status);
    }
    return response;
  }

  function lrs(path, method, body, keepalive) {
    var base = launch.endpoint.replace(/\/?$/, "/");
    return fetch(base + path, {
      method: method,
      keepalive: Boolean(keepalive),
      headers: {
        "Authorization": "Basic " + token,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json"
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(ok);
  }

  // One state document by id, or with no id the list of ids this registration has.
  function state(stateId) {
    var query = { activityId: launch.activityId, agent: launch.actor,
      registration: launch.registration };
    if (stateId) {
      query.stateId = stateId;
    }
    return "activities/state?" + new URLSearchParams(query).toString();
  }

  function uuid() {
    if (window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function duration() {
    return "PT" + ((Date.now() - startedAt) / 1000).toFixed(2) + "S";
  }

  function send(verb, result, moveOn, keepalive) {
    var context = JSON.parse(JSON.stringify(launchData.contextTemplate || {}));
    context.registration = launch.registration;
    context.contextActivities = context.contextActivities || {};
    var categories = context.contextActivities.category || [];
    categories.push({ id: CMI5 });
    if (moveOn) {
      categories.push({ id: MOVE_ON });
    }
    context.contextActivities.category = categories;
    if ((verb === "passed" || verb === "failed") && launchData.masteryScore !== undefined) {
      context.extensions = context.extensions || {};
      context.extensions[MASTERY] = launchData.masteryScore;
    }
    result.duration = duration();
    return lrs("statements", "POST", {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: JSON.parse(launch.actor),
      verb: { id: VERBS + verb, display: { "en-US": verb } },
      object: { id: launch.activityId, objectType: "Activity" },
      context: context,
      result: result
    }, keepalive);
  }

  function judging() {
    return (launchData.launchMode || "Normal") === "Normal";
  }

  function remember(field) {
    progress[field] = true;
    return lrs(state(PROGRESS), "PUT", progress);
  }

  function start() {
    if (started) {
      return;
    }
    started = true;
    later(function () {
      return fetch(launch.fetch, { method: "POST" }).then(ok).then(function (response) {
        return response.json();
      }).then(function (answer) {
        if (!answer["auth-token"]) {
          throw new Error("the fetch URL gave no auth-token");
        }
        token = answer["auth-token"];
        return lrs(state("LMS.LaunchData"), "GET");
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        launchData = data;
        // Listing first spares the LMS console a 404 on a first launch (no progress yet).
        return lrs(state(null), "GET");
      }).then(function (response) {
        return response.json();
      }).then(function (ids) {
        if (ids.indexOf(PROGRESS) < 0) {
          return {};
        }
        return lrs(state(PROGRESS), "GET").then(function (response) {
          return response.json();
        });
      }).then(function (saved) {
        progress = saved || {};
        return send("initialized", {});
      }).catch(function (failure) {
        live = false;  // without a session no later statement would be accepted
        throw failure;
      });
    });
  }

  function completeLesson() {
    later(function () {
      if (!judging() || progress.completed) {
        return null;
      }
      return send("completed", { completion: true }, true).then(function () {
        return remember("completed");
      });
    });
  }

  function recordQuiz(correct, total, passed) {
    later(function () {
      if (!judging() || progress.passed) {
        return null;
      }
      var score = { scaled: total ? Math.round(correct / total * 10000) / 10000 : 0,
        raw: correct, min: 0, max: total };
      var sent = send(passed ? "passed" : "failed", { score: score, success: passed }, true);
      return passed ? sent.then(function () { return remember("passed"); }) : sent;
    });
  }

  function passingScore(fallback) {
    var mastery = launchData.masteryScore;
    return typeof mastery === "number" ? mastery : fallback;
  }

  function finish(moveOn) {
    if (!started || ended) {
      return;
    }
    ended = true;
    later(function () {
      return send("terminated", {}, false, true);
    }).then(function () {
      if (moveOn && live && launchData.returnURL) {
        window.location.assign(launchData.returnURL);
      }
    });
  }

  window.CourzlyTracker = {
    start: start,
    completeLesson: completeLesson,
    recordQuiz: recordQuiz,
    passingScore: passingScore,
    finish: finish,
    errors: errors,
    done: function () {
      return queue;
    }
  };
})();
"""
