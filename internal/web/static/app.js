// SafetyNet UI: small progressive enhancements. Every page works without
// this file; it only adds conveniences.
(function () {
  "use strict";

  // "Add another member" on the new-household form: copy the last member
  // row with the next index, emptied. The server accepts any number of rows.
  function setupMembers() {
    var rows = document.getElementById("member-rows");
    var button = document.getElementById("add-member");
    if (!rows || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var all = rows.querySelectorAll("fieldset.member");
      if (all.length === 0) return;
      var last = all[all.length - 1];
      var next = 0;
      all.forEach(function (f) {
        var i = parseInt(f.getAttribute("data-index"), 10);
        if (i + 1 > next) next = i + 1;
      });
      var from = last.getAttribute("data-index");
      var row = last.cloneNode(true);
      row.setAttribute("data-index", String(next));
      var nameFrom = "members[" + from + "]", nameTo = "members[" + next + "]";
      var idFrom = "f-members-" + from + "-", idTo = "f-members-" + next + "-";
      row.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.split(nameFrom).join(nameTo).split(idFrom).join(idTo));
        });
      });
      row.querySelectorAll("input").forEach(function (el) { el.value = ""; });
      row.querySelectorAll("textarea").forEach(function (el) { el.value = ""; });
      row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
      row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
      row.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      });
      row.querySelectorAll("details").forEach(function (el) { el.open = false; });
      var no = row.querySelector(".member-no");
      if (no) no.textContent = String(all.length + 1);
      rows.appendChild(row);
      var first = row.querySelector("select, input");
      if (first) first.focus();
    });
  }

  // Bring the first message of a rejected form into view.
  function focusFirstError() {
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) {
      var details = bad.closest("details");
      if (details) details.open = true;
      bad.focus({ preventScroll: true });
      bad.scrollIntoView({ block: "center" });
    }
  }

  // Stop a double tap on a slow connection from sending a form twice.
  function guardSubmits() {
    document.querySelectorAll("form[method=post]").forEach(function (f) {
      f.addEventListener("submit", function () {
        if (f.dataset.sent) return;
        f.dataset.sent = "1";
        setTimeout(function () {
          f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
  }

  // Coming back to a page from the history: let its forms be sent again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (f) {
      delete f.dataset.sent;
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  // A job in progress (an import batch, a verification run): follow its
  // progress from the API, and show the finished job when it is done. The
  // element names the API address (data-follow) and the status it has
  // while running (data-while).
  function followJob() {
    var card = document.querySelector("[data-follow]");
    if (!card || !window.fetch) return;
    var url = card.getAttribute("data-follow"), running = card.getAttribute("data-while");
    var bar = card.querySelector(".progress-bar");
    var progress = card.querySelector(".progress");
    var count = card.querySelector("[data-count]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) return;
          if (j.status !== running) { window.location.reload(); return; }
          if (bar) bar.style.width = j.percent + "%";
          if (progress) progress.setAttribute("aria-valuenow", String(j.percent));
          if (count) count.textContent = String(j[count.getAttribute("data-count")]);
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  // markTab marks the tab of an area's page (monitoring, referral) that
  // leads to where the user is: the longest matching address.
  function markTab() {
    var best = null, here = window.location.pathname;
    document.querySelectorAll(".tabs a").forEach(function (a) {
      var p = a.getAttribute("href");
      if ((here === p || here.indexOf(p + "/") === 0) && (!best || p.length > best.getAttribute("href").length)) best = a;
    });
    if (best) best.setAttribute("aria-current", "page");
  }

  // showProgress sizes each progress bar from its aria-valuenow: the
  // content-security policy allows no inline style attributes.
  function showProgress() {
    document.querySelectorAll(".progress[aria-valuenow] .progress-bar").forEach(function (bar) {
      bar.style.width = bar.parentNode.getAttribute("aria-valuenow") + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showProgress();
    markTab();
    setupMembers();
    focusFirstError();
    guardSubmits();
    followJob();
  });
})();
