// Talat's own script: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Registration: show the guardian's fields only when the birth date says under 18.
  // The date is read as the server reads it (app/typed_dates.py read_typed_date, the sign-up
  // form's BirthDateField): Thai digits, day/month/year or year-month-day, and a year past
  // 2400 is a Buddhist-era year (2533 -> 1990; 29 February 2535 is 1992's leap day).
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  var BUDDHIST_ERA_OFFSET = 543;

  function ageFrom(value) {
    var text = String(value || "").trim().replace(/[๐-๙]/g, function (digit) {
      return String(THAI_DIGITS.indexOf(digit));
    });
    // year-month-day (a date input's value) or day/month/year (as typed in a text box)
    var parts = /^(\d{4})\s*[-\/.]\s*(\d{1,2})\s*[-\/.]\s*(\d{1,2})$/.exec(text);
    var dayFirst = /^(\d{1,2})\s*[-\/.]\s*(\d{1,2})\s*[-\/.]\s*(\d{4})$/.exec(text);
    if (!parts && !dayFirst) { return null; }
    var year = parseInt(parts ? parts[1] : dayFirst[3], 10);
    var month = parseInt(parts ? parts[2] : dayFirst[2], 10) - 1;
    var day = parseInt(parts ? parts[3] : dayFirst[1], 10);
    if (year > 2400) { year -= BUDDHIST_ERA_OFFSET; }
    var born = new Date(year, month, day);
    if (born.getFullYear() !== year || born.getMonth() !== month || born.getDate() !== day) {
      return null;  // no such day
    }
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

  // Forms that upload files show a progress bar. The form is sent with XMLHttpRequest, which
  // follows a redirect itself: the page it lands on (say, the new listing with its "online"
  // message, which a second request would not show again) or a page that comes back with
  // errors replaces the content.
  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // Files over the server's limit would bring back a bare error page in place of the form
  // and what was typed: they are stopped here, with a word, before anything is sent. So is
  // a single file over the limit of one photo or PDF, which the server would refuse only
  // once it had come over a phone's connection; the message names it.
  function tooLarge(form) {
    var limit = document.getElementById("upload-too-large");
    var most = limit ? parseInt(limit.getAttribute("data-max-bytes"), 10) : 0;
    var each = document.getElementById("upload-file-too-large");
    var total = 0, over = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
        if (!each) { return; }
        var pdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
        var one = parseInt(each.getAttribute(pdf ? "data-max-pdf-bytes" : "data-max-image-bytes"), 10);
        if (one && file.size > one) { over.push(file.name); }
      });
    });
    var shown = form.querySelector("[data-upload-too-large]");
    if (shown) { shown.remove(); }
    var message;
    if (most && total > most) {
      message = limit.content.firstElementChild.cloneNode(true);
    } else if (over.length) {
      message = each.content.firstElementChild.cloneNode(true);
      message.querySelector("[data-file-names]").textContent = over.join(", ");
    } else {
      return false;
    }
    form.insertBefore(message, form.firstChild);
    message.focus();
    return true;
  }

  // The same for forms htmx sends with files (an order's payment slip).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.tagName === "FORM" && form.querySelector("input[type=file]") &&
        tooLarge(form)) { event.preventDefault(); }
  });

  // The upload did not get through (the phone lost its connection, or something between it
  // and the site answered with an error page of its own): the form stays as it was, with a
  // word saying so, instead of nothing visible (the bar just vanished) or the page reloaded
  // empty, losing what was typed. Sending again is safe: a form sent twice files once.
  function uploadFailed(form, bar, button) {
    if (button) { button.disabled = false; }
    if (bar) { bar.hidden = true; }
    var shown = form.querySelector("[data-upload-failed]");
    if (shown) { shown.remove(); }
    var template = document.getElementById("upload-failed");
    if (!template) { return; }
    var message = template.content.firstElementChild.cloneNode(true);
    form.insertBefore(message, form.firstChild);
    message.scrollIntoView({ block: "center" });
    message.focus({ preventScroll: true });
  }

  function setUpUploadProgress(form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !hasFiles(form)) { return; }
      event.preventDefault();
      if (tooLarge(form)) { return; }
      var bar = form.querySelector("progress.upload-progress");
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        // A server error is never the form answered (those come back as 4xx pages with the
        // form): the site's error page in its place would lose what was typed.
        if (xhr.status >= 500) { uploadFailed(form, bar, button); return; }
        var target = new URL(xhr.responseURL || form.action, window.location.href);
        var sent = new URL(form.action, window.location.href);
        var landed = xhr.status < 400 && target.pathname !== sent.pathname;
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = page.querySelector("main#content");
        var current = document.querySelector("main#content");
        if (fresh && current) {
          if (landed) {
            window.history.replaceState(null, "", target.href);  // (back: before the form)
            document.title = page.title;
            window.scrollTo(0, 0);
          }
          current.replaceWith(fresh);
          setUp(fresh);
          if (window.htmx) { window.htmx.process(fresh); }
          readServerClock(fresh);
          tickCountdowns();
          // A form that came back refused: on a phone the reader is still down by the
          // button, and the problems (and the word that the files must be chosen again)
          // are at the top of a long form. Bring them into view and read them out, as a
          // page loaded afresh does.
          var problems = !landed && (fresh.querySelector(".error-summary") ||
                                     fresh.querySelector(".field--error"));
          if (problems) {
            problems.scrollIntoView({ block: "start" });
            if (!problems.hasAttribute("tabindex")) { problems.setAttribute("tabindex", "-1"); }
            problems.focus({ preventScroll: true });
          }
        } else if (landed) {
          window.location.assign(target.href);
        } else if (xhr.status >= 400 || xhr.status === 0) {
          uploadFailed(form, bar, button);  // not the site's own answer: keep the form
        } else {
          window.location.reload();
        }
      });
      xhr.addEventListener("error", function () { uploadFailed(form, bar, button); });
      xhr.addEventListener("timeout", function () { uploadFailed(form, bar, button); });
      if (button) { button.disabled = true; }
      xhr.send(new FormData(form));
    });
  }

  // Auction countdowns (AUC-2, AUC-8): every second, each [data-countdown="ISO end"] shows the
  // time left by the server's clock. The offset between the server's clock and this device's
  // comes from the newest [data-server-now] the server rendered into the panel.
  var COUNTDOWN_TEXT = {
    th: { left: function (d, clock) { return "เหลือ " + (d ? d + " วัน " : "") + clock; },
          ended: "ปิดประมูลแล้ว" },
    en: { left: function (d, clock) { return (d ? d + " d " : "") + clock + " left"; },
          ended: "Ended" }
  };
  var serverOffset = 0;  // server clock minus this device's clock, in milliseconds

  // Only a mark that just arrived (in what was swapped in) says what the server's clock reads
  // now: an older one elsewhere on the page would set the clock back by the page's age.
  function readServerClock(root) {
    root = root || document;
    var marks = Array.prototype.slice.call(root.querySelectorAll("[data-server-now]"));
    if (root.hasAttribute && root.hasAttribute("data-server-now")) { marks.push(root); }
    if (!marks.length) { return; }
    var server = Date.parse(marks[marks.length - 1].getAttribute("data-server-now"));
    if (!isNaN(server)) { serverOffset = server - Date.now(); }
  }

  // The words come from the page (data-text-left "… {time} …", data-text-days "{days} …",
  // data-text-ended), translated by the server; COUNTDOWN_TEXT is only a fallback.
  function countdownText(el, msLeft) {
    var lang = (document.documentElement.lang || "th").slice(0, 2).toLowerCase();
    var words = COUNTDOWN_TEXT[lang] || COUNTDOWN_TEXT.th;
    var leftText = el.getAttribute("data-text-left");
    var daysText = el.getAttribute("data-text-days");
    if (msLeft <= 0) { return el.getAttribute("data-text-ended") || words.ended; }
    var total = Math.floor(msLeft / 1000);
    var days = Math.floor(total / 86400);
    function two(n) { return n < 10 ? "0" + n : String(n); }
    var clock = two(Math.floor(total % 86400 / 3600)) + ":" + two(Math.floor(total % 3600 / 60)) +
      ":" + two(total % 60);
    if (leftText && daysText) {
      var time = (days ? daysText.replace("{days}", days) + " " : "") + clock;
      return leftText.replace("{time}", time);
    }
    return words.left(days, clock);
  }

  function tickCountdowns() {
    var now = Date.now() + serverOffset;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(end)) { return; }
      var left = end - now;
      var text = countdownText(el, left);
      if (el.textContent !== text) { el.textContent = text; }
      if (!el.hasAttribute("data-countdown-start")) {
        el.classList.toggle("countdown--ended", left <= 0);
        el.classList.toggle("countdown--soon", left > 0 && left < 5 * 60 * 1000);
      }
      if (left <= 0 && !el.hasAttribute("data-countdown-done")) {
        el.setAttribute("data-countdown-done", "");
        refreshAtPhaseChange(el);
      }
    });
  }

  // When the clock reaches the end (or a scheduled start), fetch the panel once so the page
  // shows the outcome (or opens bidding: syncBidBox then fetches the bid box). No event is
  // published when an auction simply reaches its end or its start.
  function refreshAtPhaseChange(el) {
    var live = el.closest("[data-poll-fallback][hx-get]");
    if (!live || !window.htmx) { return; }
    window.setTimeout(function () {
      live.__talatForcePoll = true;
      window.htmx.ajax("GET", live.getAttribute("hx-get"), { source: live, target: live, swap: "innerHTML" });
    }, 1500);
  }

  // Live panels poll (hx-trigger="every 3s") only while their server-sent-events stream is not
  // open: a stream that errs or closes (a proxy without SSE, a full server answering 204)
  // leaves the polling to keep the page current; an open stream cancels the polls.
  function setUpPollFallback(el) {
    if (el.__talatPollFallback) { return; }
    el.__talatPollFallback = true;
    el.__talatSseOpen = false;
    function mark(open) {
      return function (event) { if (event.target === el) { el.__talatSseOpen = open; } };
    }
    el.addEventListener("htmx:sseOpen", mark(true));
    el.addEventListener("htmx:sseError", mark(false));
    el.addEventListener("htmx:sseClose", mark(false));
    el.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt !== el) { return; }
      if (el.__talatForcePoll) { el.__talatForcePoll = false; return; }
      if (el.__talatSseOpen) { event.preventDefault(); }
    });
  }

  // A copy button beside an account or PromptPay number: shown only where the browser can
  // write to the clipboard; it copies the bare digits and says so for a moment.
  function setUpCopy(button) {
    if (!navigator.clipboard || !window.isSecureContext || button.__talatCopy) { return; }
    button.__talatCopy = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = button.textContent;
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }

  function setUp(root) {
    root.querySelectorAll("[data-copy]").forEach(setUpCopy);
    root.querySelectorAll("form[data-age-check]").forEach(setUpAgeCheck);
    root.querySelectorAll("form[data-upload-progress]").forEach(setUpUploadProgress);
    root.querySelectorAll("[data-poll-fallback]").forEach(setUpPollFallback);
  }

  // The bid confirmation in the page (AUC-9): "Review my bid" shows what the bid will do at
  // once, with no request; "Place my bid" sends the same form once, with confirmed=yes and the
  // state the box was drawn with (version, leading), through htmx as before. The server places
  // it, refuses it (422, the amount kept) or, when the bidder's lead changed meanwhile, answers
  // with its own confirmation. An amount this script cannot read goes to the server unchanged.
  var MAX_SATANG = 100000000 * 100;
  var AMOUNT_MARK = "[[amount]]";
  var PRICE_MARK = "[[price]]";

  // "1,500" or "1500.50" (baht) as satang, or null when it is not plainly an amount. Read as
  // the server reads it (app/money.py baht_digits): Thai digits ("๑,๒๐๐"), a "฿" before or
  // after, commas or spaces only between groups of three: "15,00" is not ฿1,500.
  function parseBaht(text) {
    var cleaned = String(text || "").replace(/[\u00a0\u202f\u2009]/g, " ").trim()
      .replace(/^\u0e3f/, "").replace(/\u0e3f$/, "").trim()
      .replace(/[๐-๙]/g, function (digit) { return String(THAI_DIGITS.indexOf(digit)); });
    var match = /^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?$/
      .exec(cleaned);
    if (!match) { return null; }
    var digits = match[1].replace(/[, ]/g, "");
    if (digits.length > 9) { return null; }
    var satang = parseInt(digits, 10) * 100 + (match[2] ? parseInt((match[2] + "0").slice(0, 2), 10) : 0);
    return satang > MAX_SATANG ? null : satang;
  }

  // As the server's format_baht: "฿1,500" or "฿1,500.50".
  function formatBaht(satang) {
    var baht = String(Math.floor(satang / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var rest = satang % 100;
    return "\u0e3f" + baht + (rest ? "." + (rest < 10 ? "0" : "") + rest : "");
  }

  function replaceMarks(root, mark, text) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.indexOf(mark) !== -1) { node.nodeValue = node.nodeValue.split(mark).join(text); }
    }
  }

  // The least the next bid may be: the live panel's "at least ฿…" when it shows one (it
  // follows other bids), else the minimum the box was drawn with.
  function minimumBid(form) {
    var drawn = parseInt(form.getAttribute("data-minimum-satang"), 10) || 0;
    var live = document.querySelector("#bid-panel [data-minimum]");
    var match = live && /\u0e3f([0-9][0-9,]*(?:\.[0-9]{2})?)/.exec(live.textContent);
    var shown = match ? parseBaht(match[1]) : null;
    return shown === null ? drawn : Math.max(drawn, shown);
  }

  function confirmationOpen(box) {
    return box.querySelector("[data-bid-confirm-box]") !== null;
  }

  function showBidConfirmation(box, form, satang, placeBid) {
    var template = document.querySelector("template[data-bid-confirm]");
    if (!template) { return false; }
    var shown = template.content.firstElementChild.cloneNode(true);
    var leading = (form.querySelector("input[name=leading]") || {}).value === "1";
    var mode = form.querySelector("input[name=mode]:checked");
    var variant = leading ? "leading" : (mode && mode.value === "direct" ? "direct" : "proxy");
    shown.querySelectorAll("[data-variant]").forEach(function (el) {
      if (el.getAttribute("data-variant") !== variant) { el.remove(); }
    });
    var price = document.querySelector("#bid-panel [data-price]");
    var priceText = price ? price.textContent.trim() : "";
    var priceLine = shown.querySelector("[data-bid-price]");
    if (/^\u0e3f[0-9,]+(\.[0-9]{2})?$/.test(priceText)) {
      replaceMarks(priceLine, PRICE_MARK, priceText);
    } else if (priceLine) {
      priceLine.remove();
    }
    replaceMarks(shown, AMOUNT_MARK, formatBaht(satang));
    // Everything else in the box (the form, flashes, errors) waits hidden, as typed.
    Array.prototype.forEach.call(box.children, function (child) {
      if (child.tagName === "TEMPLATE" || child.hidden) { return; }
      child.hidden = true;
      child.setAttribute("data-bid-waiting", "");
    });
    box.appendChild(shown);
    box.classList.add("bid-box--confirm");
    shown.querySelector("[data-bid-place]").addEventListener("click", function (event) {
      // Both buttons wait for the answer: a second review and placing would be dropped. (The
      // focus stays in the box, on its heading, for the answer to take it on.)
      shown.querySelector("h2").focus();
      event.currentTarget.disabled = true;
      shown.querySelector("[data-bid-change]").disabled = true;
      form.querySelector("input[name=confirmed]").value = "yes";
      placeBid();
    });
    shown.querySelector("[data-bid-change]").addEventListener("click", function () {
      closeBidConfirmation(box);
      var amount = form.querySelector("input[name=amount]");
      if (amount) { amount.focus(); }
    });
    shown.querySelector("h2").focus();
    return true;
  }

  function closeBidConfirmation(box) {
    var shown = box.querySelector("[data-bid-confirm-box]");
    var hadFocus = shown !== null && shown.contains(document.activeElement);
    if (shown) { shown.remove(); }
    // Focus was in what went (a halt closed it): give it to the live panel, which says why.
    var panel = document.getElementById("bid-panel");
    if (hadFocus && panel) {
      panel.setAttribute("tabindex", "-1");
      panel.focus();
    }
    box.classList.remove("bid-box--confirm");
    box.querySelectorAll("[data-bid-waiting]").forEach(function (child) {
      child.hidden = false;
      child.removeAttribute("data-bid-waiting");
    });
    var confirmed = box.querySelector("form[data-bid-form] input[name=confirmed]");
    if (confirmed) { confirmed.value = ""; }
  }

  // htmx asks before each request (htmx:confirm); the review of a bid stops there, and
  // "Place my bid" lets the same request go on, with the form's values read afresh.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("#bid-box > form[data-bid-form]")) { return; }
    var confirmed = form.querySelector("input[name=confirmed]");
    if (!confirmed || confirmed.value === "yes") { return; }
    var amount = form.querySelector("input[name=amount]");
    var satang = parseBaht(amount && amount.value);
    // Not read, or below the minimum: the server answers with its reason at once.
    if (satang === null || satang <= 0 || satang < minimumBid(form)) { return; }
    // The leader may only raise their hidden maximum (AUC-9): an exact bid, or a maximum not
    // above theirs, is refused, so the server says why at once instead of a confirmation.
    if ((form.querySelector("input[name=leading]") || {}).value === "1") {
      var mode = form.querySelector("input[name=mode]:checked");
      var myMax = parseInt(form.getAttribute("data-my-max-satang"), 10) || 0;
      if ((mode && mode.value === "direct") || satang <= myMax) { return; }
    }
    var box = form.parentElement;
    if (confirmationOpen(box)) { event.preventDefault(); return; }
    var issueRequest = event.detail.issueRequest;
    if (showBidConfirmation(box, form, satang, function () { issueRequest(true); })) {
      event.preventDefault();
    }
  });

  // A placing that brings no new box (the network failed, a 4xx or 5xx) leaves the
  // confirmation there to try again.
  // It says why: the server's own words when it answered (an expired form, too many requests,
  // a fault on its side: its error fragment), else that the bid did not reach the site (no
  // signal). A network failure brings no "failed" flag, only no "successful" one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("#bid-box > form[data-bid-form]") || !form.isConnected) { return; }
    var box = form.parentElement;
    if (event.detail.successful === true) { return; }
    box.querySelectorAll("[data-bid-confirm-box] button").forEach(function (button) {
      button.disabled = false;
    });
    showBidFailure(box, form, event.detail.xhr);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("#bid-box > form[data-bid-form]")) { return; }
    form.parentElement.querySelectorAll("[data-bid-failed]").forEach(function (el) { el.remove(); });
  });

  // A refused or failed request said as an alert: the site's error fragment's title and words
  // (app/errors.py) when it answered, else ``fallback`` (its word for "not sent" or "not
  // done"); ``marker`` names the alert so the next request can take it away.
  function failureAlert(xhr, fallback, marker) {
    var title = "";
    var text = "";
    if (xhr && xhr.status) {
      var answer = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var shown = answer.querySelector(".error-page");
      var heading = shown && shown.querySelector("h1");
      var words = heading && heading.nextElementSibling;
      title = heading ? heading.textContent.trim() : "";
      text = words ? words.textContent.trim() : "";
    }
    if (!title && !text) { text = fallback(Boolean(xhr && xhr.status)) || ""; }
    var alert = document.createElement("p");
    alert.className = "alert alert--error";
    alert.setAttribute("role", "alert");
    alert.setAttribute("tabindex", "-1");
    alert.setAttribute(marker, "");
    if (title) {
      var strong = document.createElement("strong");
      strong.textContent = title;
      alert.appendChild(strong);
      alert.appendChild(document.createTextNode(" "));
    }
    alert.appendChild(document.createTextNode(text));
    return alert;
  }

  function showBidFailure(box, form, xhr) {
    var alert = failureAlert(xhr, function (answered) {
      return form.getAttribute(answered ? "data-text-error" : "data-text-failed");
    }, "data-bid-failed");
    var confirmation = box.querySelector("[data-bid-confirm-box]");
    var heading2 = confirmation && confirmation.querySelector("h2");
    if (heading2) {
      heading2.insertAdjacentElement("afterend", alert);
    } else {
      box.insertBefore(alert, box.firstChild);
    }
    alert.focus();
  }

  function panelStatus() {
    var standing = document.querySelector("#bid-panel [data-bid-status]");
    return standing ? standing.getAttribute("data-bid-status") : "";
  }

  // The bid form follows the live panel (AUC-3): when a STOP sign halts the auction (or the
  // clock ends it) the form goes at once; when bidding opens again the bid box is fetched anew.
  function syncBidBox() {
    var figures = document.querySelector("#bid-panel [data-phase]");
    var box = document.getElementById("bid-box");
    if (!figures) { return; }
    var phase = figures.getAttribute("data-phase");
    // The seller's "End the auction now" goes once the auction can no longer be ended early
    // (it ended, sold by buy-now, or its reserve was met: AUC-8), as the page drawn anew would.
    var endEarly = document.querySelector("[data-end-early]");
    if (endEarly && (phase === "ended" || figures.querySelector("[data-reserve=met]"))) {
      endEarly.hidden = true;
    }
    if (!box) { return; }
    var before = box.getAttribute("data-live-phase") || phase;
    box.setAttribute("data-live-phase", phase);
    if (phase !== "open") {
      closeBidConfirmation(box);
      // What the box said of the member's last bid ("you are the highest bidder") no longer
      // holds once the auction ended or halted: the panel says how it stands now.
      box.querySelectorAll(":scope > .alert[role=status]").forEach(function (notice) {
        notice.remove();
      });
    }
    box.querySelectorAll("form").forEach(function (form) {
      if (!form.hasAttribute("data-bid-waiting")) { form.hidden = phase !== "open"; }
    });
    // The buy-now offer ends for good once a bid meets the reserve (or at the first bid with
    // no reserve, AUC-8): when the live panel no longer offers it, its button goes too,
    // also while a bid is being reviewed (it would come back when the review closes).
    if (phase === "open" && !figures.querySelector("[data-buy-now-price]")) {
      box.querySelectorAll("form[data-buy-now-form]").forEach(function (form) { form.remove(); });
    }
    followMinimum(box);
    if (phase === "open" && before !== "open" && window.htmx) {
      window.htmx.ajax("GET", window.location.pathname, { target: "#bid-box", select: "#bid-box", swap: "outerHTML" });
      return;
    }
    // The member led and someone else's bid outbid them: the box was drawn for the leader (its
    // hint, and what the review and the server are told), so it is drawn anew, keeping an
    // amount the member had typed. (Their own bids bring their own box.) What the panel said
    // last is kept on the panel, which the page loaded with: a new bid box (the answer to a
    // bid, swapped in before the panel hears of it) says nothing of the panel.
    var status = panelStatus();
    var panel = document.getElementById("bid-panel");
    var statusBefore = panel.getAttribute("data-seen-status");
    panel.setAttribute("data-seen-status", status);
    if (phase === "open" && statusBefore === "leading" && status !== "leading" &&
        !confirmationOpen(box) && window.htmx) {
      var typed = box.querySelector("input[name=amount]");
      var keep = typed && typed.value !== typed.defaultValue ? typed.value : null;
      window.htmx.ajax("GET", window.location.pathname, { target: "#bid-box", select: "#bid-box", swap: "outerHTML" })
        .then(function () {
          var fresh = document.querySelector("#bid-box input[name=amount]");
          if (keep !== null && fresh) { fresh.value = keep; }
        });
    }
  }

  // Other members' bids raise the least bid (AUC-2, AUC-6): a box not drawn for the leader
  // follows the live panel, its hint ("At least ฿…") and the amount it suggested, unless the
  // member has typed one of their own (the review and the server judge that one). Without
  // this a member who took the suggestion was refused for a price long gone.
  function followMinimum(box) {
    var form = box.querySelector("form[data-bid-form]");
    if (!form || confirmationOpen(box)) { return; }
    var leading = form.querySelector("input[name=leading]");
    if (leading && leading.value === "1") { return; }
    var drawn = parseInt(form.getAttribute("data-minimum-satang"), 10) || 0;
    var least = minimumBid(form);
    if (least <= drawn) { return; }
    form.setAttribute("data-minimum-satang", String(least));
    var shown = formatBaht(least);
    var hint = form.querySelector(".field__hint");
    if (hint) { hint.textContent = hint.textContent.replace(/\u0e3f[0-9][0-9,]*(?:\.[0-9]{2})?/, shown); }
    var amount = form.querySelector("input[name=amount]");
    if (amount && amount.value === amount.defaultValue &&
        parseBaht(amount.value.replace(/\s/g, "")) === drawn) {
      amount.defaultValue = shown.slice(1).replace(/,/g, "");
      amount.value = amount.defaultValue;
    }
  }

  // A bid box drawn anew (the answer to a bid, or fetched when the lead or the phase changed)
  // replaces the one that held the focus: the focus goes to what the new box says first (a
  // refused amount, then a message), else to the amount field, so keyboard and screen-reader
  // users are not dropped at the top of the page.
  // Each swap is matched to its own settle by its target (the element the swap replaced), so
  // another part swapped at the same moment (a live update) neither cancels nor takes over
  // the hand-over.
  var bidBoxSwapped = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "bid-box") { return; }
    // (An answer that is not swapped in, a 5xx, brings no settle to take the focus on.)
    bidBoxSwapped = event.detail.shouldSwap && target.contains(document.activeElement) ?
      target : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!bidBoxSwapped || event.detail.target !== bidBoxSwapped) { return; }
    bidBoxSwapped = null;
    var box = document.getElementById("bid-box");
    if (!box || !box.isConnected) { return; }
    if (box.contains(document.activeElement)) { return; }
    var next = box.querySelector("input[aria-invalid=true]") || box.querySelector(".alert") ||
      box.querySelector("input[name=amount]");
    if (!next) { return; }
    if (!next.matches("input, button, a, select, textarea")) { next.setAttribute("tabindex", "-1"); }
    next.focus();
  });

  // Any other part that htmx swaps while it holds the focus (a watch or follow button, a
  // message form, a photo's buttons, an order's forms) gives the focus on to the same control
  // of the new part: the control the same form (by its address) has, its first field with an
  // error first; else the first control of the part around it. Nobody is dropped at the top.
  var swapsHoldingFocus = [];
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled])";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (!target || target.id === "bid-box" || !event.detail.shouldSwap || !active ||
        active === document.body || !target.contains(active)) { return; }
    var form = active.closest("form");
    var around = target.parentElement && target.parentElement.closest("[id]");
    swapsHoldingFocus = swapsHoldingFocus.filter(function (was) { return was.target !== target; });
    swapsHoldingFocus.push({
      target: target, action: form ? form.getAttribute("action") : null,
      name: active.getAttribute("name"), tag: active.tagName,
      around: target.id || (around ? around.id : null)
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var was = null;
    swapsHoldingFocus = swapsHoldingFocus.filter(function (swap) {
      if (swap.target !== event.detail.target) { return true; }
      was = swap;
      return false;
    });
    var active = document.activeElement;
    if (!was || (active && active !== document.body && active.isConnected)) { return; }
    var next = null;
    var form = was.action && Array.prototype.find.call(document.forms, function (f) {
      return f.getAttribute("action") === was.action;
    });
    if (form) {
      next = form.querySelector("[aria-invalid=true]") || Array.prototype.find.call(
        form.querySelectorAll(FOCUSABLE), function (el) {
          return el.tagName === was.tag && el.getAttribute("name") === was.name;
        }) || form.querySelector(FOCUSABLE);
    }
    if (!next && was.around) {
      var part = document.getElementById(was.around);
      next = part && part.querySelector(FOCUSABLE);
    }
    if (next) { next.focus(); }
  });

  function afterLiveSwap(root) {
    readServerClock(root && root.querySelectorAll ? root : document);
    tickCountdowns();
    syncBidBox();
  }

  // A form that posts and leads to another page is sent once: on a slow phone a second tap
  // on its button would send it again (two orders, two listings) while the first is on its
  // way. Forms htmx or the upload script send themselves have already stopped the browser's
  // own sending (defaultPrevented) and guard themselves. Coming back to the page (the back
  // button) or a long wait lets the form be sent again.
  var SENDING_MS = 10000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // (getAttribute: a field named "method" would stand in for form.method)
    if (event.defaultPrevented || !form || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    var now = Date.now();
    var since = parseInt(form.getAttribute("data-sending-since") || "0", 10);
    if (now - since < SENDING_MS) { event.preventDefault(); return; }
    form.setAttribute("data-sending-since", String(now));
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending-since]").forEach(function (form) {
      form.removeAttribute("data-sending-since");
    });
  });

  // Any other change sent through htmx (a photo's buttons, a watch or follow button, a
  // queue row's actions, an order's or a message's form) whose answer is an error (403 for a
  // staff member removed meanwhile, 400 for an expired form, 429, 5xx) is not swapped in
  // (htmx-config in base.html): without this the tap did nothing, without a word. It now says
  // what the server said (the error fragment's title and text, app/errors.py), or that it did
  // not reach the site, beside the part it was meant to change. Polling (GET) stays quiet.
  function showFailure(target, xhr) {
    var alert = failureAlert(xhr, function (answered) {
      var page = document.querySelector("[data-text-htmx-failed]");
      return page && page.getAttribute(answered ? "data-text-htmx-error" : "data-text-htmx-failed");
    }, "data-htmx-failed");
    if (target.matches("form, button, a, input, .inline-form")) {
      target.insertAdjacentElement("beforebegin", alert);
    } else {
      target.insertBefore(alert, target.firstChild);
    }
    alert.focus();
  }

  function sentChange(detail) {
    var verb = detail.requestConfig && detail.requestConfig.verb;
    var elt = detail.elt;
    return verb && String(verb).toLowerCase() !== "get" && elt && elt.matches &&
      !elt.matches("#bid-box > form[data-bid-form]");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!sentChange(event.detail)) { return; }
    document.querySelectorAll("[data-htmx-failed]").forEach(function (el) { el.remove(); });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    if (detail.successful === true || !sentChange(detail)) { return; }
    var target = detail.target && detail.target.isConnected ? detail.target : detail.elt;
    if (!target || !target.isConnected) { return; }
    showFailure(target, detail.xhr);
  });

  // The shop's reason for cancelling an order (SHOP-10) is looked at before "Cancel order
  // #n?" (found in review: the question came first, then "write 10 to 500 characters"). A
  // reason the server is sure to refuse (none, too short or too long, counted as it counts:
  // order_cancellation.clean_cancel_reason) goes to it at once, unasked, and comes back with
  // its words and the text kept; any other is asked about as before. The count never calls
  // refused what the server would take, as nothing is sent unasked that it could carry out:
  // it drops only characters the server drops too (control characters, zero-width and other
  // invisible format characters, blanks at the ends), and "too long" counts no marks (the
  // server may drop some stacked ones).
  var CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
  var INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
  var MARKS = null;
  try { MARKS = new RegExp("\\p{M}", "gu"); } catch (e) { MARKS = null; }

  function codePoints(text) {
    return text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "_").length;
  }

  function reasonSurelyRefused(form) {
    var box = form.querySelector("textarea[name=reason]");
    var least = parseInt(form.getAttribute("data-reason-min"), 10);
    var most = parseInt(form.getAttribute("data-reason-max"), 10);
    if (!box || !least || !most) { return false; }
    var text = box.value.replace(/\r\n?/g, "\n").replace(CONTROL, "");
    if (codePoints(text.replace(INVISIBLE, "").trim()) < least) { return true; }
    return MARKS !== null && codePoints(text.replace(MARKS, "")) > most;
  }

  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-reason-first]")) { return; }
    if (!reasonSurelyRefused(form)) { return; }
    event.preventDefault();
    event.detail.issueRequest(true);  // (true: without the question)
  });

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("bid-panel");
    if (panel) { panel.setAttribute("data-seen-status", panelStatus()); }
    setUp(document);
    // A form that came back with problems: its summary at the top is read out first.
    var summary = document.querySelector(".error-summary");
    if (summary && document.activeElement === document.body) { summary.focus(); }
    readServerClock(document);
    tickCountdowns();
    window.setInterval(tickCountdowns, 1000);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    setUp(event.detail.elt);
    afterLiveSwap(event.detail.elt);
  });
  document.addEventListener("htmx:sseMessage", function (event) { afterLiveSwap(event.target); });
})();
