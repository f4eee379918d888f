/*
 * govshare page behaviour. The Content-Security-Policy forbids inline scripts and handlers, so every page
 * behaviour lives here and is switched on by data-* attributes:
 *
 *   data-dismiss="alert"        closes the enclosing .alert
 *   data-toggle-sidebar         opens/closes the navigation on narrow screens
 *   data-confirm="text"         on a <form>: asks before submitting
 *   data-copy-target="#id"      copies the element's text; data-copied-text is shown for a moment
 *   data-autosubmit             on a <select>: submits its form on change (pages without HTMX)
 *
 * HTMX requests carry the CSRF token from <meta name="csrf-token">.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every HTMX request sends the CSRF token (Django checks it on POST/PUT/PATCH/DELETE).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
    // Leave empty filters out of GET URLs, so the address bar (pushed into history) stays readable.
    var data = event.detail.formData;
    if (event.detail.useUrlParams && data) {
      var empty = [];
      data.forEach(function (value, key) {
        if (value === "" && data.getAll(key).every(function (v) { return v === ""; })) {
          empty.push(key);
        }
      });
      empty.forEach(function (key) { data.delete(key); });
    }
  });

  // After a list is swapped, keep the filter form's hidden sort field in step with the address bar,
  // so changing a filter keeps the chosen sort order.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "object-list") {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll('form.filter-bar input[name="sort"]').forEach(function (input) {
      input.value = params.get("sort") || "";
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }

    var dismiss = target.closest('[data-dismiss="alert"]');
    if (dismiss) {
      var alert = dismiss.closest(".alert");
      if (alert) {
        alert.classList.add("alert-hiding");
        window.setTimeout(function () { alert.remove(); }, 200);
      }
      return;
    }

    if (target.closest("[data-toggle-sidebar]")) {
      document.body.classList.toggle("sidebar-open");
      return;
    }

    var copy = target.closest("[data-copy-target]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy-target"));
      if (source) {
        copyText(source.textContent.trim()).then(function () {
          var original = copy.innerHTML;
          copy.textContent = copy.getAttribute("data-copied-text") || "OK";
          copy.classList.add("copied");
          window.setTimeout(function () {
            copy.innerHTML = original;
            copy.classList.remove("copied");
          }, 1500);
        });
      }
      return;
    }

    // Close open dropdowns (<details data-dropdown>) when clicking elsewhere.
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      if (!details.contains(target)) {
        details.removeAttribute("open");
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
        details.removeAttribute("open");
      });
      document.body.classList.remove("sidebar-open");
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Intranet sites are often plain HTTP, where the Clipboard API is unavailable.
    return new Promise(function (resolve) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
      area.remove();
      resolve();
    });
  }
})();
