// Talat's own script: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Registration: show the guardian's fields only when the birth date says under 18.
  function ageFrom(value) {
    var born = new Date(value + "T00:00:00");
    if (isNaN(born.getTime())) { return null; }
    var today = new Date();
    var age = today.getFullYear() - born.getFullYear();
    var beforeBirthday = today.getMonth() < born.getMonth() ||
      (today.getMonth() === born.getMonth() && today.getDate() < born.getDate());
    return beforeBirthday ? age - 1 : age;
  }

  function setUpAgeCheck(form) {
    var birth = form.querySelector("input[name=birth_date]");
    var guardian = form.querySelector("[data-guardian]");
    if (!birth || !guardian) { return; }
    var hasErrors = guardian.querySelector(".field__error") !== null;
    function update() {
      var age = ageFrom(birth.value);
      guardian.hidden = !hasErrors && (age === null || age >= 18);
    }
    birth.addEventListener("change", update);
    birth.addEventListener("input", update);
    update();
  }

  // Forms that upload files show a progress bar. The form is sent with XMLHttpRequest; a
  // redirect is followed, and a page that comes back (say, with errors) replaces the content.
  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function setUpUploadProgress(form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !hasFiles(form)) { return; }
      event.preventDefault();
      var bar = form.querySelector("progress.upload-progress");
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        var target = new URL(xhr.responseURL || form.action, window.location.href);
        var sent = new URL(form.action, window.location.href);
        if (xhr.status < 400 && target.pathname !== sent.pathname) {
          window.location.assign(target.href);
          return;
        }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = page.querySelector("main#content");
        var current = document.querySelector("main#content");
        if (fresh && current) {
          current.replaceWith(fresh);
          setUp(fresh);
          if (window.htmx) { window.htmx.process(fresh); }
        } else {
          window.location.reload();
        }
      });
      xhr.addEventListener("error", function () {
        if (button) { button.disabled = false; }
        if (bar) { bar.hidden = true; }
      });
      if (button) { button.disabled = true; }
      xhr.send(new FormData(form));
    });
  }

  function setUp(root) {
    root.querySelectorAll("form[data-age-check]").forEach(setUpAgeCheck);
    root.querySelectorAll("form[data-upload-progress]").forEach(setUpUploadProgress);
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.detail.elt); });
})();
