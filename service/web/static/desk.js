// The workbench answers as you type: the form's results are fetched as an HTML fragment
// (the same template the full page uses) and swapped in. Without JavaScript the form
// still works with its Try button.
"use strict";
(function () {
  const form = document.getElementById("workbench");
  if (!form) return;
  const query = document.getElementById("wb-query");
  const theme = document.getElementById("wb-theme");
  const results = document.getElementById("results");
  let timer = null;
  let inflight = null;
  let filledFrom = theme.value ? theme.selectedOptions[0].dataset.query : null;

  function refresh() {
    const params = new URLSearchParams(new FormData(form));
    history.replaceState(null, "", "/workbench?" + params.toString());
    if (inflight) inflight.abort();
    inflight = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch("/workbench/results?" + params.toString(), { signal: inflight.signal })
      .then((r) => r.text())
      .then((html) => {
        results.innerHTML = html;
        results.removeAttribute("aria-busy");
      })
      .catch(() => {});
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  theme.addEventListener("change", () => {
    const chosen = theme.selectedOptions[0].dataset.query;
    // Start from the theme's rule unless the analyst has typed something of their own.
    if (chosen && (!query.value.trim() || query.value === filledFrom)) {
      query.value = chosen;
      filledFrom = chosen;
    }
    soon();
  });
  form.addEventListener("input", (event) => {
    if (event.target !== theme) soon();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
})();
