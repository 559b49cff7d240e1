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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-age-check]").forEach(setUpAgeCheck);
  });
})();
