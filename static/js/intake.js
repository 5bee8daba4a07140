// Conditional intake questions (templates/booking/_intake.html): a question that follows
// another is hidden until that one has the answer it waits for. Without this script every
// question shows with its "If you answered ..." line, and the server checks only those
// that apply.
(function () {
  "use strict";
  function plain(value) {
    return (value || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  function answer(form, name) {
    var value = "";
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type !== "radio" || input.checked) {
        value = input.value;
      }
    });
    return value;
  }
  document.querySelectorAll("[data-shown-if]").forEach(function (box) {
    var form = box.closest("form");
    function update() {
      var wanted = box.getAttribute("data-shown-if-answer");
      box.hidden = plain(answer(form, box.getAttribute("data-shown-if"))) !== wanted;
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  });
})();
