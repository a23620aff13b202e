/* Progressive enhancement for long forms: a block marked data-shown-if="name" shows only while the
   checkbox `name` is ticked, and data-shown-if="name=value" only while that radio is chosen. Without
   JavaScript every block stays visible, and the server decides from the boxes what to use. */
(function () {
  "use strict";
  function wanted(condition, form) {
    var parts = condition.split("=");
    var inputs = form.querySelectorAll('input[name="' + parts[0] + '"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked && (parts.length === 1 || inputs[i].value === parts[1])) {
        return true;
      }
    }
    return false;
  }
  function update(form) {
    var blocks = form.querySelectorAll("[data-shown-if]");
    for (var i = 0; i < blocks.length; i++) {
      blocks[i].hidden = !wanted(blocks[i].getAttribute("data-shown-if"), form);
    }
  }
  var forms = document.querySelectorAll("form");
  for (var i = 0; i < forms.length; i++) {
    if (forms[i].querySelector("[data-shown-if]")) {
      forms[i].addEventListener("change", update.bind(null, forms[i]));
      update(forms[i]);
    }
  }
})();
