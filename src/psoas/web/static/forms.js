/* psoas forms: read a form into a contract document, send it as JSON, show what the server says.
 *
 * A form opts in with data-post (where to POST) and data-schema (the contract's name).
 * Each answer is an element with data-field (a dotted path such as red_flags.hernia)
 * and data-type: number, text, bool (a fieldset of yes/no radios, sent as true/false; a
 * "not sure" radio sends nothing), list (a fieldset of checkboxes), choice (radios whose
 * data-sets hold the fields each answer sets, as JSON) or checklist (tick what applies:
 * ticked items are true; once anything is ticked, or "None of these", the rest are false,
 * unless "Not sure" is ticked, which leaves them open) or flag (one checkbox, sent as true
 * when ticked). Blank answers are left out, so
 * they stay "not known". Repeated rows
 * live in a [data-list] container; their inputs carry data-key and get their numbered
 * data-field (lifestyle.activities.0.kind) when the form is sent, so the server's
 * problems land next to the right input. A radio with aria-controls shows the part it
 * names when it has data-reveals, and hides and clears it otherwise; a date input with
 * data-confirm-before shows the confirmation it controls for an earlier day. A field the
 * server asks about is shown. Nothing here is inline: the page's content
 * security policy allows scripts from this server only.
 */
"use strict";

(function () {
  let rowCounter = 1000;

  const LEVEL_TITLES = {
    urgent: "Stop: seek medical care now",
    refer: "See a clinician before any psoas work",
    caution: "Self-care is fine, with the changes below",
    clear: "Nothing found that stands in the way",
  };

  function valueOf(element) {
    const type = element.dataset.type;
    if (type === "flag") return element.checked ? true : undefined;
    if (type === "list") {
      const checked = Array.from(element.querySelectorAll("input:checked"), (box) => box.value);
      return checked.length ? checked : undefined;
    }
    if (type === "bool") {
      const chosen = element.querySelector("input:checked");
      if (!chosen || chosen.value === "unsure") return undefined;
      return chosen.value === "yes";
    }
    const text = element.value.trim();
    if (text === "") return undefined;
    if (type === "number") {
      const number = Number(text);
      return Number.isFinite(number) ? number : text;
    }
    return text;
  }

  function setPath(target, path, value) {
    const parts = path.split(".");
    let node = target;
    parts.forEach((part, index) => {
      const key = /^\d+$/.test(part) ? Number(part) : part;
      if (index === parts.length - 1) {
        node[key] = value;
      } else {
        if (node[key] === undefined) node[key] = /^\d+$/.test(parts[index + 1]) ? [] : {};
        node = node[key];
      }
    });
  }

  function numberRows(form) {
    form.querySelectorAll("[data-list]").forEach((list) => {
      let index = 0;
      list.querySelectorAll("[data-row]").forEach((row) => {
        const inputs = Array.from(row.querySelectorAll("[data-key]"));
        const filled = inputs.some((input) => valueOf(input) !== undefined);
        inputs.forEach((input) => {
          if (filled) input.dataset.field = `${list.dataset.list}.${index}.${input.dataset.key}`;
          else delete input.dataset.field;
        });
        if (filled) index += 1;
      });
    });
  }

  // The fields a choice or a checklist sets, as [path, value] pairs (none: left open).
  function fieldsOf(element) {
    if (element.dataset.type === "choice") {
      const chosen = element.querySelector("input:checked");
      return chosen ? Object.entries(JSON.parse(chosen.dataset.sets)) : [];
    }
    const items = Array.from(element.querySelectorAll("input[data-item]"));
    const ticked = items.filter((box) => box.checked);
    const none = element.querySelector("input[data-none]").checked;
    const unsure = element.querySelector("input[data-unsure]").checked;
    const answered = ticked.length > 0 || none;
    return items
      .filter((box) => box.checked || (answered && !unsure))
      .map((box) => [box.value, box.checked]);
  }

  function readForm(form) {
    numberRows(form);
    const documentOut = { schema: form.dataset.schema };
    form.querySelectorAll("[data-field][data-type]").forEach((element) => {
      if (element.closest("[hidden]")) return; // never sent unseen
      if (element.dataset.type === "choice" || element.dataset.type === "checklist") {
        fieldsOf(element).forEach(([path, value]) => setPath(documentOut, path, value));
        return;
      }
      const value = valueOf(element);
      if (value !== undefined) setPath(documentOut, element.dataset.field, value);
    });
    return documentOut;
  }

  // "None of these" and the items of a checklist exclude each other.
  document.addEventListener("change", (event) => {
    const box = event.target;
    const list = box.closest && box.closest('[data-type="checklist"]');
    if (!list || !box.checked) return;
    if ("none" in box.dataset) {
      list.querySelectorAll("input[data-item]").forEach((item) => { item.checked = false; });
    } else if ("item" in box.dataset) {
      list.querySelector("input[data-none]").checked = false;
    }
  });

  // Show or hide a part of the form; what is hidden is cleared, so it is never sent unseen.
  function reveal(part, shown) {
    part.hidden = !shown;
    if (!shown) part.querySelectorAll("input:checked").forEach((box) => { box.checked = false; });
  }

  document.addEventListener("change", (event) => {
    const radio = event.target;
    if (radio.type !== "radio" || !radio.checked || !radio.getAttribute("aria-controls")) return;
    const part = document.getElementById(radio.getAttribute("aria-controls"));
    if (part) reveal(part, "reveals" in radio.dataset);
  });

  // A browser may restore ticks and choices on reload: show or hide each part as its
  // question now stands, so nothing is kept out of sight.
  function syncReveals() {
    document.querySelectorAll("[data-revealed-by]").forEach((part) => {
      const chosen = document.querySelector(`input[type=radio][aria-controls="${CSS.escape(part.id)}"]:checked`);
      reveal(part, Boolean(chosen && "reveals" in chosen.dataset));
    });
    document.querySelectorAll("input[data-confirm-before]").forEach((input) => checkDay(input));
  }

  // "Yes, something new or worse" with nothing picked is not a "no": say it changed.
  async function nothingPickedAfterYes(form) {
    if (!form.dataset.ifNothingPicked) return null;
    const yes = form.querySelector("input[data-reveals]:checked");
    const part = yes && document.getElementById(yes.getAttribute("aria-controls"));
    if (!part || part.querySelector("input:checked")) return null;
    const response = await fetch(form.dataset.ifNothingPicked, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
      credentials: "same-origin",
    });
    return response.ok ? form.dataset.ifNothingPickedNote : null;
  }

  // A day before the first one storable unconfirmed (ISO dates compare as text) asks first.
  function checkDay(input) {
    const part = document.getElementById(input.getAttribute("aria-controls"));
    if (part) reveal(part, input.value !== "" && input.value < input.dataset.confirmBefore);
  }

  document.querySelectorAll("input[data-confirm-before]").forEach((input) => {
    input.addEventListener("input", () => checkDay(input));
    input.addEventListener("change", () => checkDay(input));
  });

  function targetOf(form, field) {
    let path = field;
    while (path) {
      const found = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (found) return found;
      const cut = path.lastIndexOf(".");
      path = cut > 0 ? path.slice(0, cut) : "";
    }
    return null;
  }

  function nameOf(target) {
    if (target.tagName === "FIELDSET") return target.querySelector("legend").textContent.trim();
    const label = target.id && document.querySelector(`label[for="${CSS.escape(target.id)}"]`);
    return label ? label.textContent.trim() : target.dataset.field;
  }

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  function clearMessages(form) {
    form.querySelectorAll(".problem[data-added]").forEach((message) => message.remove());
    form.querySelectorAll("[aria-invalid]").forEach((input) => {
      input.removeAttribute("aria-invalid");
      const kept = (input.dataset.describedby || "").trim();
      if (kept) input.setAttribute("aria-describedby", kept);
      else input.removeAttribute("aria-describedby");
      delete input.dataset.describedby;
    });
    form.querySelector("[data-summary]").replaceChildren();
    const outcome = form.querySelector("[data-outcome]");
    if (outcome) outcome.replaceChildren();
  }

  function markProblem(target, problem) {
    rowCounter += 1;
    const message = element("p", problem, "problem");
    message.id = `problem-${rowCounter}`;
    message.dataset.added = "";
    if (target.tagName === "FIELDSET") {
      target.querySelector("legend").after(message);
      return target;
    }
    target.after(message);
    if (!("describedby" in target.dataset)) {
      target.dataset.describedby = target.getAttribute("aria-describedby") || "";
    }
    target.setAttribute("aria-describedby", `${target.dataset.describedby} ${message.id}`.trim());
    target.setAttribute("aria-invalid", "true");
    return target;
  }

  function showProblems(form, detail, problems) {
    const summary = form.querySelector("[data-summary]");
    const list = element("ul");
    problems.forEach((problem) => {
      const target = targetOf(form, problem.field);
      const item = element("li");
      const hiddenPart = target && target.closest("[hidden]");
      if (hiddenPart) hiddenPart.hidden = false;  // the server asks about it: show it
      if (target) {
        markProblem(target, problem.problem);
        const focusable = target.tagName === "FIELDSET" ? target.querySelector("input") : target;
        const link = element("a", `${nameOf(target)}: ${problem.problem}`);
        link.href = `#${focusable ? focusable.id : ""}`;
        item.append(link);
      } else {
        item.textContent = `${problem.field}: ${problem.problem}`;
      }
      list.append(item);
    });
    const heading = problems.length
      ? `Nothing was saved: ${problems.length} ${problems.length === 1 ? "answer needs" : "answers need"} a change.`
      : `Nothing was saved: ${detail}`;
    summary.append(element("p", heading, "summary-title"));
    if (problems.length) summary.append(list);
    summary.focus();
  }

  function showSafety(form, answer) {
    const region = form.parentElement.querySelector("[data-safety]");
    if (!region || !answer || !(answer.rescreen || answer.rescreen_impossible)) return;
    let box;
    if (answer.rescreen) {
      const safety = answer.rescreen.safety;
      const title = LEVEL_TITLES[safety.level] || safety.level;
      box = element("div", undefined, `card safety safety-${safety.level}`);
      box.append(element("p", `Your safety screen changed: ${title}`, "summary-title"));
      const reasons = element("ul");
      safety.reasons.forEach((reason) => reasons.append(element("li", reason.message)));
      box.append(reasons);
      box.append(element("p", safety.self_release_allowed
        ? "Guided release is still allowed."
        : "Guided release is off until a new safety screen allows it."));
    } else {
      box = element("div", undefined, "card safety safety-refer");
      box.append(element("p", "You reported a new warning sign, but psoas has no safety screen "
        + "for you yet. Please answer the intake, and if the sign worries you, see a clinician.",
      "summary-title"));
    }
    region.replaceChildren(box);
    region.scrollIntoView({ block: "start" });
  }

  function showOutcome(form, answer) {
    const outcome = form.querySelector("[data-outcome]");
    const notes = (answer && answer.notes) || [];
    const paused = (answer && answer.paused) || [];
    outcome.replaceChildren(element("p", "Saved."));
    paused.forEach((message) => outcome.append(element("p", message, "problem paused")));
    notes.forEach((note) => outcome.append(element("p", note)));
    showSafety(form, answer);
  }

  async function send(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const button = form.querySelector("button[type=submit]");
    clearMessages(form);
    button.disabled = true;
    let response;
    try {
      response = await fetch(form.dataset.post, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(readForm(form)),
        credentials: "same-origin",
      });
    } catch (error) {
      showProblems(form, "the server could not be reached. Try again.", []);
      return;
    } finally {
      button.disabled = false;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.ok && form.dataset.next) {
      window.location.assign(form.dataset.next);
    } else if (response.ok) {
      const note = await nothingPickedAfterYes(form).catch(() => null);
      if (note) answer.paused = [...(answer.paused || []), note];
      showOutcome(form, answer);
    } else {
      showProblems(form, answer.detail || `the server answered ${response.status}.`, answer.problems || []);
    }
  }

  function addRow(button) {
    const list = document.getElementById(button.dataset.addRow);
    const template = document.getElementById(button.dataset.template);
    const most = Number(list.dataset.max || Infinity);
    if (list.querySelectorAll("[data-row]").length >= most) return;
    rowCounter += 1;
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[id], [for]").forEach((part) => {
      ["id", "for"].forEach((name) => {
        const value = part.getAttribute(name);
        if (value) part.setAttribute(name, value.replace("__N__", String(rowCounter)));
      });
    });
    list.append(row);
    row.querySelector("input, select").focus();
    button.hidden = list.querySelectorAll("[data-row]").length >= most;
  }

  function removeRow(button) {
    const row = button.closest("[data-row]");
    const list = row.closest("[data-list]");
    row.remove();
    const add = document.querySelector(`[data-add-row="${CSS.escape(list.id)}"]`);
    if (add) {
      add.hidden = false;
      add.focus();
    }
  }

  document.querySelectorAll("form[data-post]").forEach((form) => form.addEventListener("submit", send));
  syncReveals();
  window.addEventListener("pageshow", syncReveals);
  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) addRow(add);
    const remove = event.target.closest("[data-remove-row]");
    if (remove) removeRow(remove);
  });
})();
