// The review queue's keyboard (MOD-7): j/k move between items, the letter on an action's
// button runs it on the focused item, c claims, x selects for a bulk action, ? shows help.
// After a row is decided in place, the next open row is focused. Progressive enhancement only.
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  }

  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".queue-row") : null;
  }

  function focusRow(row) {
    if (!row) { return; }
    rows().forEach(function (r) { r.classList.remove("queue-row--focused"); });
    row.classList.add("queue-row--focused");
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    var index = all.indexOf(current());
    var next = index < 0 ? all[0] : all[Math.min(Math.max(index + step, 0), all.length - 1)];
    focusRow(next);
  }

  function nextOpenAfter(row) {
    var all = rows();
    var start = all.indexOf(row);
    for (var i = start + 1; i < all.length; i++) {
      if (all[i].hasAttribute("data-open")) { return all[i]; }
    }
    for (var j = 0; j < start; j++) {
      if (all[j].hasAttribute("data-open")) { return all[j]; }
    }
    return null;
  }

  function send(form) {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // An action with a choice (which sign, which sanction) or a required field waits for it:
  // its first such field is focused, and Enter sends. So does an action that cannot be undone
  // (data-ask-first: closing a shop, revoking rights), so a stray key press sends nothing.
  // Otherwise the action is sent at once.
  function submit(form) {
    if (!form) { return; }
    if (form.hasAttribute("data-ask-first")) {
      (form.querySelector("select, input[type=text]") || form.querySelector("button")).focus();
      return;
    }
    var field = form.querySelector("select, input[type=text][required], input[required]");
    if (field && (field.tagName === "SELECT" || !field.value)) { field.focus(); return; }
    send(form);
  }

  function toggleHelp() {
    var help = document.getElementById("queue-help");
    if (help) { help.hidden = !help.hidden; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = event.target.tagName;
    if (tag === "INPUT" && event.target.type === "text" || tag === "TEXTAREA" || tag === "SELECT") {
      if (event.key === "Escape") { var r = current(); if (r) { focusRow(r); } }
      var inAction = event.target.closest && event.target.closest("form.queue-action");
      if (event.key === "Enter" && tag === "SELECT" && inAction) {
        event.preventDefault();
        send(inAction);
      }
      return;
    }
    var key = event.key;
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (key === "j") { move(1); event.preventDefault(); return; }
    if (key === "k") { move(-1); event.preventDefault(); return; }
    var row = current();
    if (!row || !row.hasAttribute("data-open")) { return; }
    if (key === "c") { submit(row.querySelector("form[data-claim]")); event.preventDefault(); return; }
    if (key === "x") {
      var box = row.querySelector("[data-select]");
      if (box) { box.checked = !box.checked; }
      event.preventDefault();
      return;
    }
    var form = row.querySelector('form[data-key="' + key.replace(/["\\]/g, "") + '"]');
    if (form) { submit(form); event.preventDefault(); }
  });

  // A row swapped for its decided state: focus the next open one. A refused row keeps focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id || target.id.indexOf("item-") !== 0) { return; }
    var row = document.getElementById(target.id);
    if (!row) { return; }
    if (row.hasAttribute("data-open")) { focusRow(row); return; }
    focusRow(nextOpenAfter(row) || row);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-queue-help-toggle]")) { toggleHelp(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector(".queue-row[data-open]");
    if (first) { focusRow(first); }
  });
})();
