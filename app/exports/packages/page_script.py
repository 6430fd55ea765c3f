"""`courzly-page.js`: what a learner does on a page, independent of the LMS protocol.

It talks only to `window.CourzlyTracker`, which `courzly-scorm.js` (SCORM 1.2 and 2004) or
`courzly-cmi5.js` defines, so lesson and quiz behaviour is written once for every format.
Plain ES5 on purpose: LMS players still wrap content in old embedded browsers.
"""

PAGE_SCRIPT = r"""/* Courzly page behaviour: lesson completion and quiz scoring. */
(function () {
  "use strict";
  var tracker = window.CourzlyTracker;
  var statusLine = document.getElementById("courzly-status");

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text;
    }
  }

  tracker.start();
  // A learner who closes the page still ends the session, so the LMS keeps what was sent.
  window.addEventListener("pagehide", function () {
    tracker.finish(false);
  });

  var finishButton = document.getElementById("courzly-finish");
  if (finishButton) {
    finishButton.addEventListener("click", function () {
      finishButton.disabled = true;
      tracker.completeLesson();
      tracker.finish(true);
      say("Lesson complete. You can go on to the next activity.");
    });
  }

  var form = document.getElementById("courzly-quiz");
  var retryButton = document.getElementById("courzly-retry");
  if (form) {
    var key = JSON.parse(document.getElementById("courzly-answer-key").textContent);
    var items = form.querySelectorAll("[data-item]");

    function lock(locked) {
      Array.prototype.forEach.call(form.elements, function (field) {
        field.disabled = locked;
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var correct = 0;
      key.answers.forEach(function (answer, index) {
        var chosen = form.querySelector('input[name="q' + index + '"]:checked');
        var right = chosen !== null && Number(chosen.value) === answer;
        if (right) {
          correct += 1;
        }
        items[index].classList.add(right ? "courzly-correct" : "courzly-incorrect");
        items[index].querySelector(".courzly-feedback").hidden = false;
      });
      var total = key.answers.length;
      var scaled = total ? correct / total : 0;
      var passed = scaled >= tracker.passingScore(key.passing);
      tracker.recordQuiz(correct, total, passed);
      lock(true);
      var result = "You answered " + correct + " of " + total + " correctly (" +
        Math.round(scaled * 100) + "%): ";
      if (passed) {
        tracker.finish(true);
        say(result + "passed.");
      } else {
        // Stay in this attempt: the learner reads the explanations and tries again here,
        // rather than being moved on (or left with nothing) by the LMS.
        retryButton.hidden = false;
        say(result + "not passed yet. Review the explanations and try again.");
      }
    });

    retryButton.addEventListener("click", function () {
      form.reset();
      Array.prototype.forEach.call(items, function (item) {
        item.classList.remove("courzly-correct", "courzly-incorrect");
        item.querySelector(".courzly-feedback").hidden = true;
      });
      lock(false);
      retryButton.hidden = true;
      say("");
      items[0].querySelector("input").focus();
    });
  }
})();
"""
