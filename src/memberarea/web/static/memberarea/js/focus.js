/* Focus after a failed submit (UI-2, the GOV.UK pattern): the error summary takes focus, so it is
   read out and the next Tab reaches its links; each link then moves focus to its field, not only
   the view. Pages work without this script: the summary is also a role="alert" region, and the
   field to fill next carries the autofocus attribute where there is one. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });
})();
