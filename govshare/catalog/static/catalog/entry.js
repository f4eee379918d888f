/*
 * The catalogue entry form (资源目录编辑), progressive enhancement only: without this file the form still works
 * (all condition fields visible, one datalist of every format type, rows removed with their 删除 checkbox).
 *
 *   [data-show-when="share_type:conditional"]   field wrapper shown only while the radio/select has that value
 *   [data-format-category] + #id_format_type     the format type suggestions follow the chosen category
 *   [data-formset="items"]                       info item rows: add (from <template>), remove, move up/down
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function controllerValue(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var select = form.querySelector('select[name="' + name + '"]');
    return select ? select.value : "";
  }

  function updateConditions(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (wrapper) {
      var rule = wrapper.getAttribute("data-show-when").split(":");
      var values = rule[1].split(" ");
      var show = values.indexOf(controllerValue(form, rule[0])) !== -1;
      // A field with an error message stays visible, so the message is never hidden.
      wrapper.hidden = !show && !wrapper.classList.contains("has-error");
    });
  }

  function updateFormatList(form) {
    var category = form.querySelector("[data-format-category]");
    var input = form.querySelector("#id_format_type");
    if (!category || !input) {
      return;
    }
    var list = category.value && document.getElementById("format-types-" + category.value);
    input.setAttribute("list", list ? list.id : "format-types-all");
  }

  // --- info item rows ----------------------------------------------------------------------------------------

  function rows(body) {
    return Array.prototype.slice.call(body.querySelectorAll("tr.item-row"));
  }

  function renumber(editor) {
    var prefix = editor.getAttribute("data-formset");
    var body = editor.querySelector("tbody");
    var pattern = new RegExp("^(id_)?" + prefix + "-(\\d+|__prefix__)-");
    var visible = 0;
    rows(body).forEach(function (row, index) {
      row.querySelectorAll("[name], [id], label[for]").forEach(function (element) {
        ["name", "id", "for"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value && pattern.test(value)) {
            element.setAttribute(attribute, value.replace(pattern, "$1" + prefix + "-" + index + "-"));
          }
        });
      });
      if (!row.classList.contains("is-deleted")) {
        visible += 1;
        var number = row.querySelector(".row-number");
        if (number) {
          number.textContent = visible;
        }
      }
    });
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (total) {
      total.value = rows(body).length;
    }
  }

  function addRow(editor) {
    var template = editor.querySelector("template");
    var body = editor.querySelector("tbody");
    var html = template.innerHTML.replace(/__prefix__/g, String(rows(body).length));
    body.insertAdjacentHTML("beforeend", html);
    renumber(editor);
    var added = rows(body).pop();
    var first = added && added.querySelector("input[type=text], input:not([type])");
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

  function moveRow(editor, row, direction) {
    var sibling = row;
    do {
      sibling = direction < 0 ? sibling.previousElementSibling : sibling.nextElementSibling;
    } while (sibling && sibling.classList.contains("is-deleted"));
    if (!sibling) {
      return;
    }
    if (direction < 0) {
      sibling.before(row);
    } else {
      sibling.after(row);
    }
    renumber(editor);
  }

  function setUp(form) {
    updateConditions(form);
    updateFormatList(form);
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches('input[type=radio], select')) {
        updateConditions(form);
      }
      if (target.matches("[data-format-category]")) {
        updateFormatList(form);
      }
    });
    form.querySelectorAll("[data-formset]").forEach(function (editor) {
      rows(editor.querySelector("tbody")).forEach(function (row) {
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
      var action = button.getAttribute("data-row-action");
      event.preventDefault();
      if (action === "add") {
        addRow(editor);
        return;
      }
      var row = button.closest("tr.item-row");
      if (action === "remove") {
        removeRow(editor, row);
      } else if (action === "up") {
        moveRow(editor, row, -1);
      } else if (action === "down") {
        moveRow(editor, row, 1);
      }
    });
  }

  function init() {
    document.querySelectorAll("form[data-entry-form]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
