/*
 * The service item form's materials table, progressive enhancement only: without this file the form still works
 * (extra empty rows, each row removed with its 删除 checkbox).
 *
 *   [data-formset="materials"]   rows: add (from <template>, numbered by TOTAL_FORMS), remove (checks DELETE)
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function rows(editor) {
    return Array.prototype.slice.call(editor.querySelectorAll("tbody tr.item-row"));
  }

  function renumber(editor) {
    var visible = 0;
    rows(editor).forEach(function (row) {
      if (row.classList.contains("is-deleted")) {
        return;
      }
      visible += 1;
      var number = row.querySelector(".row-number");
      if (number) {
        number.textContent = visible;
      }
    });
  }

  function addRow(editor) {
    var prefix = editor.getAttribute("data-formset");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = editor.querySelector("template").innerHTML.replace(/__prefix__/g, String(index));
    editor.querySelector("tbody").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    renumber(editor);
    var added = rows(editor).pop();
    var first = added && added.querySelector("input[type=text]");
    if (first) {
      first.focus();
    }
  }

  function removeRow(editor, row) {
    var check = row.querySelector('input[type=checkbox][name$="-DELETE"]');
    if (check) {
      check.checked = true;
    }
    row.classList.add("is-deleted");
    renumber(editor);
  }

  function setUp(form) {
    form.querySelectorAll("[data-formset]").forEach(function (editor) {
      rows(editor).forEach(function (row) {
        var check = row.querySelector('input[type=checkbox][name$="-DELETE"]');
        if (check && check.checked) {
          row.classList.add("is-deleted");
        }
      });
      renumber(editor);
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-row-action]");
      if (!button) {
        return;
      }
      var editor = button.closest("[data-formset]");
      event.preventDefault();
      if (button.getAttribute("data-row-action") === "add") {
        addRow(editor);
      } else {
        removeRow(editor, button.closest("tr.item-row"));
      }
    });
  }

  document.querySelectorAll("form[data-materials-form]").forEach(setUp);
})();
