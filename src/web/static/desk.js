// Körpü workspace: progressive enhancement only; every page works without this script.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.documentElement.classList.add('js');
  // The language list switches at once; without script its button does.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });
  // A button that changes a case asks once more when it says so (data-confirm holds the question).
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) { if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
  });
});
