/* Live password rules (PWD-1), a progressive enhancement: the server checks every rule again on submit.
   Contract (web/_password_rules.html): an <input data-password-rules="ID">; a <ul id="ID"> whose
   data-met-text and data-unmet-text hold the translated status words; one <li data-rule> per rule
   with data-min-length, data-max-length or data-pattern (a regular expression with the "u" flag),
   holding a [data-rule-status] element. No inline script, no eval: it runs under the strict CSP. */
(() => {
  "use strict";

  // The server counts code points after NFKC normalisation; Array.from counts code points too.
  const length = (value) => Array.from(value).length;

  const checkFor = (item) => {
    const { minLength, maxLength, pattern } = item.dataset;
    if (minLength) return (value) => length(value) >= Number(minLength);
    if (maxLength) return (value) => length(value) <= Number(maxLength);
    if (pattern) {
      try {
        const expression = new RegExp(pattern, "u");
        return (value) => expression.test(value);
      } catch {
        return null; // a browser without Unicode property escapes: leave this rule as plain text
      }
    }
    return null;
  };

  const attach = (input, list) => {
    const rules = Array.from(list.querySelectorAll("li[data-rule]"))
      .map((item) => ({ item, check: checkFor(item), status: item.querySelector("[data-rule-status]") }))
      .filter((rule) => rule.check !== null);
    const update = () => {
      const value = input.value.normalize("NFKC");
      for (const { item, check, status } of rules) {
        if (value === "") {
          delete item.dataset.met; // nothing typed yet: neither met nor broken
          if (status) status.textContent = "";
          continue;
        }
        const met = check(value);
        item.dataset.met = String(met);
        if (status) status.textContent = met ? list.dataset.metText : list.dataset.unmetText;
      }
    };
    input.addEventListener("input", update);
    update();
  };

  for (const input of document.querySelectorAll("input[data-password-rules]")) {
    const list = document.getElementById(input.dataset.passwordRules);
    if (list) attach(input, list);
  }
})();
