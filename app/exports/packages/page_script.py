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
  if (form) {
    var key = JSON.parse(document.getElementById("courzly-answer-key").textContent);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var correct = 0;
      key.answers.forEach(function (answer, index) {
        var chosen = form.querySelector('input[name="q' + index + '"]:checked');
        var right = chosen !== null && Number(chosen.value) === answer;
        if (right) {
          correct += 1;
        }
        var item = form.querySelector('[data-item="' + index + '"]');
        item.classList.add(right ? "courzly-correct" : "courzly-incorrect");
        item.querySelector(".courzly-feedback").hidden = false;
      });
      var total = key.answers.length;
      var scaled = total ? correct / total : 0;
      var passed = scaled >= tracker.passingScore(key.passing);
      tracker.recordQuiz(correct, total, passed);
      tracker.finish(true);
      Array.prototype.forEach.call(form.elements, function (field) {
        field.disabled = true;
      });
      say(
        "You answered " + correct + " of " + total + " correctly (" +
          Math.round(scaled * 100) + "%): " +
          (passed ? "passed." : "not passed yet. Review the explanations and try again.")
      );
    });
  }
})();
"""
