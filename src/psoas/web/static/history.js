/* psoas history: correct or delete a check-in, measurement or session, undo the last change.
 *
 * A correction form (data-patch: where to PATCH) sends the fields shown as JSON
 * ({"changes": {...}, "reason": ...}): a number box left blank clears that value, a
 * fieldset with data-list-field sends the ticked boxes (untick a warning sign to take it
 * back). A delete button (data-delete) asks first, an undo button (data-undo) does not.
 * After a change the page is loaded again, so progress and the lists show the current
 * versions; what the server said is shown at the top. Nothing here is inline (CSP).
 */
"use strict";

(function () {
  const SAID = "psoas-history-said";

  function setPath(target, path, value) {
    const parts = path.split(".");
    let node = target;
    parts.slice(0, -1).forEach((part) => {
      if (node[part] === undefined) node[part] = {};
      node = node[part];
    });
    node[parts[parts.length - 1]] = value;
  }

  function changesOf(form) {
    const changes = {};
    form.querySelectorAll("input[data-field]").forEach((input) => {
      const text = input.value.trim();
      const number = Number(text);
      setPath(changes, input.dataset.field, text === "" ? null : (Number.isFinite(number) ? number : text));
    });
    form.querySelectorAll("fieldset[data-list-field]").forEach((fieldset) => {
      changes[fieldset.dataset.listField] = Array.from(
        fieldset.querySelectorAll("input:checked"), (box) => box.value);
    });
    return changes;
  }

  function showProblem(answer, status) {
    const region = document.querySelector("[data-change-problem]");
    const problems = (answer && answer.problems) || [];
    const title = (answer && answer.detail) || `The server answered ${status}.`;
    const box = [Object.assign(document.createElement("p"), { className: "summary-title", textContent: title })];
    if (problems.length) {
      const list = document.createElement("ul");
      problems.forEach((problem) => {
        list.append(Object.assign(document.createElement("li"), { textContent: `${problem.field}: ${problem.problem}` }));
      });
      box.push(list);
    }
    region.replaceChildren(...box);
    region.focus();
  }

  async function send(method, url, body) {
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch (error) {
      showProblem({ detail: "The server could not be reached. Nothing was changed; try again." }, 0);
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      showProblem(answer, response.status);
      return;
    }
    const said = [answer.message, ...(answer.paused || [])].filter(Boolean);
    window.sessionStorage.setItem(SAID, JSON.stringify(said));
    window.location.reload();
  }

  function showSaid() {
    const kept = window.sessionStorage.getItem(SAID);
    if (!kept) return;
    window.sessionStorage.removeItem(SAID);
    const region = document.querySelector("[data-change-outcome]");
    region.replaceChildren(...JSON.parse(kept).map((line) => Object.assign(document.createElement("p"), { textContent: line })));
  }

  document.querySelectorAll("form[data-patch]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const reason = form.querySelector("[data-reason]").value.trim();
      send("PATCH", form.dataset.patch, { changes: changesOf(form), reason: reason || null });
    });
  });
  document.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-delete]");
    if (remove && window.confirm(remove.dataset.confirm)) send("DELETE", remove.dataset.delete, {});
    const undo = event.target.closest("[data-undo]");
    if (undo) send("POST", undo.dataset.undo, {});
  });
  showSaid();
})();
