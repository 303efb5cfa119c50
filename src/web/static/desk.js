// Körpü workspace: progressive enhancement only; every page works without this script.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.documentElement.classList.add('js');
  // The language list switches at once when a language is picked with the mouse, a finger, or
  // from the list opened with the keyboard; without script its button does. The arrow keys on
  // the closed list only move through it (each press would otherwise load the page in the next
  // language, and lose the focus): Enter, or leaving the list, switches.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
    var shown = s.value;
    var stepping = false;
    var go = function () { if (s.value !== shown) s.form.submit(); };
    s.addEventListener('pointerdown', function () { stepping = false; });
    s.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); go(); return; }
      // Space, Alt+Down and F4 open the list: what is chosen there is meant, as with the mouse.
      stepping = !(e.key === ' ' || e.key === 'F4' || (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')));
    });
    s.addEventListener('change', function () { if (!stepping) go(); });
    s.addEventListener('blur', function () { if (stepping) go(); });
  });
  // Printing: a text box as tall as its text, where CSS cannot do it (no field-sizing), so that
  // nothing typed is cut off on paper; back to its size afterwards.
  if (!(window.CSS && CSS.supports && CSS.supports('field-sizing', 'content'))) {
    window.addEventListener('beforeprint', function () {
      document.querySelectorAll('textarea').forEach(function (t) { t.style.height = t.scrollHeight + 'px'; });
    });
    window.addEventListener('afterprint', function () {
      document.querySelectorAll('textarea').forEach(function (t) { t.style.height = ''; });
    });
  }
  // Typing is not idling: while someone types in a form, the session is kept alive (at most one
  // request every few minutes; the first keystroke on a page sends one), so that a long form is
  // not refused as idle when saved. A page left untouched still times out. The answer carries
  // the session's CSRF token for the page's forms (a new one after signing in again in another
  // tab); signed out, the page says so at once (#signed-out), while what was typed is still here.
  var banner = document.getElementById('signed-out');
  var tokens = function () { return document.querySelectorAll('input[name="_csrf"]'); };
  var aliveAt = 0;
  var alive = function () {
    aliveAt = Date.now();
    fetch('/desk/alive', { credentials: 'same-origin', redirect: 'manual', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        var signedIn = !!(s && s.csrf);
        if (signedIn) tokens().forEach(function (i) { i.value = s.csrf; });
        if (banner) banner.hidden = signedIn;
      })
      .catch(function () { aliveAt = 0; });
  };
  if (tokens().length && window.fetch) {
    document.addEventListener('input', function () { if (Date.now() - aliveAt >= 4 * 60 * 1000) alive(); });
    document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible' && Date.now() - aliveAt >= 30 * 1000) alive(); });
    if (banner) banner.querySelector('button').addEventListener('click', alive);
  }
  // A button that changes a case asks once more when it says so (data-confirm holds the question).
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) { if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
  });
});
