/* psoas: the guided session in the browser. Plain JavaScript, no libraries, no build step.
 *
 * Two pages use this file:
 *   /session       the start form: POST /api/v1/sessions, then go to the running page.
 *   /session/{id}  the running session: the timeline is walked here, on absolute anchors,
 *                  exactly as the terminal's runner (psoas.session.runner) walks it:
 *                  an event's time is the step's anchor plus its offset, and the next
 *                  step's anchor is this one's plus its duration, never "now", so a late
 *                  tick makes one event late and never moves the ones after it. Only a
 *                  pause moves the anchor, by the time spent paused.
 *
 * The position is posted to /api/v1/sessions/{id}/checkpoints at every step boundary
 * (before the new step is announced), every few seconds of session time, on pause and
 * when the page is hidden or left, so a reload carries on at the same step.
 */
(() => {
  "use strict";

  const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

  const byId = (id) => document.getElementById(id);
  const realSeconds = () => performance.now() / 1000;
  const round3 = (value) => Math.round(value * 1000) / 1000;

  function capitalised(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }

  /** Seconds as m:ss, counting down: 59.2 s left shows as 1:00, 0.4 s as 0:01. */
  function clock(seconds) {
    const whole = Math.max(Math.ceil(seconds - 1e-6), 0);
    const minutes = Math.floor(whole / 60);
    const rest = whole % 60;
    return `${minutes}:${String(rest).padStart(2, "0")}`;
  }

  function setText(element, text) {
    if (element && element.textContent !== text) element.textContent = text;
  }

  function showMessage(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  async function postJson(url, body, options = {}) {
    const response = await fetch(url, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
      credentials: "same-origin",
      ...options,
    });
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (_) {
        data = null;
      }
    }
    return { ok: response.ok, status: response.status, data };
  }

  /** The API's own words for a refusal (the same message the CLI prints). */
  function problemText(result) {
    if (result.data && typeof result.data.detail === "string") return capitalised(result.data.detail);
    return `psoas could not do that (HTTP ${result.status}).`;
  }

  /** The ratings chosen in the selects whose id starts with `prefix`, as whole numbers. */
  function ratingsFrom(root, prefix) {
    const ratings = {};
    for (const select of root.querySelectorAll(`select[id^="${prefix}"][data-rating]`)) {
      if (select.value !== "") ratings[select.dataset.rating] = Number(select.value);
    }
    return ratings;
  }

  // -- the start page ----------------------------------------------------------------------

  function startPage(form) {
    const error = byId("start-error");
    const button = byId("start");
    const tool = byId("tool");
    const toolField = byId("tool-field");
    const minutesInput = byId("minutes");
    const kind = () => form.querySelector('input[name="kind"]:checked').value;
    const syncTool = () => {
      toolField.hidden = kind() !== "self_release";
    };
    for (const input of form.querySelectorAll('input[name="kind"]')) {
      input.addEventListener("change", syncTool);
    }
    syncTool();

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showMessage(error, "");
      // Has anything changed since the safety answers? A yes starts nothing and pauses release.
      const changed = form.querySelector('input[name="changed"]:checked');
      if (!changed) {
        showMessage(error, form.dataset.sayIfChanged);
        byId("changed-no").focus();
        return;
      }
      if (changed.value === "yes") {
        button.disabled = true;
        try {
          await postJson("/api/v1/changes", {});
        } catch (_) {
          // The start is refused all the same; the pause is kept when psoas is reachable.
        }
        // As in the terminal: nothing starts, and the answers are gone through again, from the
        // stored ones (the intake page opens filled in and says why).
        showMessage(error, form.dataset.changed);
        window.location.assign("/intake?changed=1");
        return;
      }
      const minutes = Number(minutesInput.value);
      const low = Number(minutesInput.min);
      const high = Number(minutesInput.max);
      if (!Number.isInteger(minutes) || minutes < low || minutes > high) {
        showMessage(error, `Choose a length in whole minutes from ${low} to ${high}.`);
        minutesInput.focus();
        return;
      }
      const body = { kind: kind(), minutes };
      if (body.kind === "self_release") {
        if (!tool.value) {
          showMessage(error, "Choose the release tool you will use.");
          tool.focus();
          return;
        }
        body.tool = tool.value;
      }
      const before = ratingsFrom(form, "before-");
      if (Object.keys(before).length) body.before = before;
      button.disabled = true;
      try {
        const result = await postJson("/api/v1/sessions", body);
        if (result.status === 201 && result.data) {
          window.location.assign(`/session/${result.data.id}?autostart=1`);
          return;
        }
        showMessage(error, problemText(result));
      } catch (_) {
        showMessage(error, "psoas could not be reached. Is it still running?");
      }
      button.disabled = false;
    });
  }

  // -- the session clock: a port of psoas.session.runner ------------------------------------

  const SAME_TIME_ORDER = { checkpoint: 0, breath_in: 1, breath_out: 1, half_way: 2, step_ended: 3 };

  /** Every timed event of a step from `fromOffset` on, in order; the step's end is last. */
  function schedule(step, fromOffset, every) {
    const duration = step.duration;
    const events = [];
    if (step.breath) {
      const cycle = step.breath.in_seconds + step.breath.out_seconds;
      for (let breath = 0; breath * cycle < duration; breath += 1) {
        const start = breath * cycle;
        events.push([start, "breath_in"]);
        if (start + step.breath.in_seconds < duration) {
          events.push([start + step.breath.in_seconds, "breath_out"]);
        }
      }
    }
    events.push([duration / 2, "half_way"]);
    for (let number = 1; number * every < duration; number += 1) {
      events.push([number * every, "checkpoint"]);
    }
    events.push([duration, "step_ended"]);
    return events
      .filter(([offset]) => offset >= fromOffset)
      .sort((a, b) => a[0] - b[0] || SAME_TIME_ORDER[a[1]] - SAME_TIME_ORDER[b[1]]);
  }

  /** The paced breath `offset` seconds into a step that starts on an in-breath. */
  function breathAt(pattern, offset) {
    const cycle = pattern.in_seconds + pattern.out_seconds;
    const into = offset % cycle;
    if (into < pattern.in_seconds) return { direction: "in", fullness: into / pattern.in_seconds };
    return { direction: "out", fullness: 1 - (into - pattern.in_seconds) / pattern.out_seconds };
  }

  class Session {
    /** A session from its stored record; `listener` receives every event. */
    constructor(record, { speed, every, backAfter, listener }) {
      this.steps = record.timeline.steps;
      this.total = record.timeline.total_seconds;
      this.speed = speed;
      this.every = every;
      this.backAfter = backAfter;
      this.listener = listener;
      this.logs = record.steps.map((step) => ({ spent: step.spent_seconds, outcome: step.outcome }));
      this.index = Math.min(record.step_index, this.steps.length - 1);
      this.heldOffset = Math.min(record.step_elapsed, this.steps[this.index].duration);
      this.visitFrom = this.heldOffset;
      this.resuming =
        this.index > 0 || this.heldOffset > 0 || this.logs.some((log) => log.spent > 0 || log.outcome);
      this.state = record.status === "completed" ? "finished" : "ready";
      this.anchor = 0;
      this.pending = [];
      this.next = 0;
    }

    /** Session seconds: real seconds times the speed (1 except in tests and demonstrations). */
    now() {
      return realSeconds() * this.speed;
    }

    get step() {
      return this.steps[this.index];
    }

    offset(now = this.now()) {
      if (this.state !== "running") return this.heldOffset;
      return Math.min(Math.max(now - this.anchor, 0), this.step.duration);
    }

    begin() {
      if (this.state !== "ready") return;
      const now = this.now();
      const offset = this.heldOffset;
      this.state = "running";
      this.emit("session_started", offset, now, { resumed: this.resuming });
      this.enter(this.index, offset, now - offset, this.resuming);
    }

    /** Deliver every event that is due (call it often; lateness never accumulates). */
    tick() {
      while (this.state === "running") {
        const [offset, kind] = this.pending[this.next];
        const due = this.anchor + offset;
        if (due > this.now()) return;
        this.next += 1;
        if (kind === "step_ended") this.endStep(due);
        else if (kind === "checkpoint") this.checkpoint(offset, due);
        else this.emit(kind, offset, due);
      }
    }

    pause() {
      if (this.state !== "running") return;
      const now = this.now();
      this.heldOffset = this.offset(now);
      this.state = "paused";
      this.emit("paused", this.heldOffset, now);
      this.checkpoint(this.heldOffset, now);
    }

    resume() {
      if (this.state !== "paused") return;
      const now = this.now();
      this.anchor = now - this.heldOffset;
      this.state = "running";
      this.emit("resumed", this.heldOffset, now);
    }

    togglePause() {
      if (this.state === "running") this.pause();
      else this.resume();
    }

    /** Leave this step now and start the next (a paused session stays paused). */
    skip() {
      if (this.state !== "running" && this.state !== "paused") return;
      const now = this.now();
      const offset = this.offset(now);
      this.closeVisit(offset, "skipped");
      this.emit("step_ended", offset, now, { skipped: true });
      if (this.index + 1 === this.steps.length) this.finish(now);
      else this.moveTo(this.index + 1, now);
    }

    /** Restart this step, or go to the one before when it has only just begun. */
    back() {
      if (this.state !== "running" && this.state !== "paused") return;
      const now = this.now();
      const offset = this.offset(now);
      this.closeVisit(offset, null);
      const restart = offset >= this.backAfter || this.index === 0;
      this.moveTo(restart ? this.index : this.index - 1, now);
    }

    enter(index, offset, anchor, resumed = false) {
      this.index = index;
      this.anchor = anchor;
      this.visitFrom = offset;
      this.pending = schedule(this.steps[index], offset, this.every);
      this.next = 0;
      const due = anchor + offset;
      this.checkpoint(offset, due); // stored before anyone reacts to the new step
      this.emit("step_started", offset, due, { resumed });
    }

    endStep(due) {
      const step = this.step;
      this.closeVisit(step.duration, "completed");
      this.emit("step_ended", step.duration, due);
      if (this.index + 1 === this.steps.length) this.finish(due);
      else this.enter(this.index + 1, 0, this.anchor + step.duration); // no drift
    }

    moveTo(index, now) {
      this.heldOffset = 0;
      this.enter(index, 0, now);
    }

    finish(due) {
      this.state = "finished";
      this.index = this.steps.length - 1;
      this.heldOffset = this.step.duration;
      this.visitFrom = this.heldOffset;
      this.emit("session_finished", this.heldOffset, due, { progress: this.progress(this.heldOffset, true) });
    }

    /** Add this visit's running time to the step's log, with how it was left. */
    closeVisit(offset, outcome) {
      const log = this.logs[this.index];
      let left = outcome;
      if (offset >= this.step.duration || log.outcome === "completed") left = "completed";
      this.logs[this.index] = {
        spent: log.spent + Math.max(offset - this.visitFrom, 0),
        outcome: left || log.outcome,
      };
      this.visitFrom = offset;
    }

    /** A checkpoint body, exactly the API's Checkpoint: one entry per timeline step. */
    progress(offset, finished = false) {
      const steps = this.logs.map((log, index) => {
        const duration = this.steps[index].duration;
        const extra = index === this.index ? Math.max(offset - this.visitFrom, 0) : 0;
        const spent = Math.min(Math.max(round3(log.spent + extra), 0), duration);
        return { spent_seconds: spent, outcome: log.outcome || null };
      });
      const elapsed = Math.min(Math.max(round3(offset), 0), this.step.duration);
      return { step_index: this.index, step_elapsed: elapsed, steps, finished };
    }

    /** The checkpoint for right now. */
    currentProgress() {
      return this.progress(this.offset(), this.state === "finished");
    }

    checkpoint(offset, due) {
      this.emit("checkpoint", offset, due, { progress: this.progress(offset) });
    }

    emit(kind, offset, due, extra = {}) {
      const event = { kind, index: this.index, step: this.step, offset, due, at: this.now(), ...extra };
      this.listener(event);
    }

    /** Where the session is, for the display. */
    snapshot() {
      const elapsed = this.offset();
      const step = this.step;
      const sessionElapsed = Math.min(step.start + elapsed, this.total);
      return {
        state: this.state,
        index: this.index,
        step,
        stepLeft: Math.max(step.duration - elapsed, 0),
        sessionElapsed,
        sessionLeft: this.total - sessionElapsed,
        breath: step.breath && this.state !== "finished" ? breathAt(step.breath, elapsed) : null,
      };
    }
  }

  // -- speech, the screen wake lock, checkpoints --------------------------------------------

  /** Says phrases with the browser's voice: a new step cuts in; a late breath prompt is dropped. */
  class Speaker {
    constructor(staleAfter) {
      this.synth = "speechSynthesis" in window ? window.speechSynthesis : null;
      this.available = Boolean(this.synth) && typeof window.SpeechSynthesisUtterance === "function";
      this.staleAfter = staleAfter;
      this.queue = [];
      this.current = null;
      this.muted = false;
    }

    /** Say `text`; `lateness` is how many real seconds after its time the prompt comes. */
    say(text, { interrupt, lateness }) {
      if (!this.available || this.muted) return;
      if (interrupt) {
        this.queue = [];
        this.current = null;
        this.synth.cancel();
        this.speak(text);
        return;
      }
      if (lateness > this.staleAfter) return;
      this.queue.push({ text, deadline: realSeconds() + this.staleAfter - lateness });
      this.pump();
    }

    pump() {
      if (this.current && (this.synth.speaking || this.synth.pending)) return;
      this.current = null;
      while (this.queue.length) {
        const item = this.queue.shift();
        if (realSeconds() <= item.deadline) {
          this.speak(item.text);
          return;
        }
      }
    }

    speak(text) {
      const utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en";
      const done = () => {
        if (this.current === utterance) {
          this.current = null;
          this.pump();
        }
      };
      utterance.addEventListener("end", done);
      utterance.addEventListener("error", done);
      this.current = utterance;
      try {
        this.synth.speak(utterance);
      } catch (_) {
        this.current = null;
      }
    }

    stop() {
      this.queue = [];
      this.current = null;
      if (this.available) this.synth.cancel();
    }
  }

  /** Keeps the screen on while a session runs, where the browser offers it. */
  class WakeLock {
    constructor() {
      this.wanted = false;
      this.lock = null;
    }

    async acquire() {
      this.wanted = true;
      if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
      if (this.lock && !this.lock.released) return;
      try {
        this.lock = await navigator.wakeLock.request("screen");
      } catch (_) {
        this.lock = null; // refused (battery saver, no permission): the session runs anyway
      }
    }

    release() {
      this.wanted = false;
      if (this.lock) this.lock.release().catch(() => {});
      this.lock = null;
    }

    /** The browser drops the lock when the page is hidden; take it again when it is back. */
    visible() {
      if (this.wanted) this.acquire();
    }
  }

  /** Posts checkpoints one at a time, newest wins: an older one never lands after a newer one. */
  class Saver {
    constructor(url, report) {
      this.url = url;
      this.report = report;
      this.inFlight = false;
      this.pending = null;
      this.finalStored = false;
      this.finalTries = 0;
    }

    save(body) {
      if (this.finalStored) return;
      this.pending = body;
      this.pump();
    }

    async pump() {
      if (this.inFlight || !this.pending) return;
      const body = this.pending;
      this.pending = null;
      this.inFlight = true;
      let result = null;
      try {
        result = await postJson(this.url, body);
      } catch (_) {
        result = null;
      }
      this.inFlight = false;
      if (result && result.ok && body.finished) this.finalStored = true;
      this.report(result);
      if (body.finished && !this.finalStored && !this.pending && this.finalTries < 5) {
        this.finalTries += 1; // the end of a session must be stored: try again shortly
        window.setTimeout(() => this.save(body), 1500);
      }
      this.pump();
    }

    /** When the page goes away: send now, and let the browser finish the request. */
    sendNow(body) {
      if (this.finalStored) return;
      try {
        fetch(this.url, {
          method: "POST",
          headers: JSON_HEADERS,
          body: JSON.stringify(body),
          credentials: "same-origin",
          keepalive: true,
        }).catch(() => {});
      } catch (_) {
        // nothing more can be done while the page unloads
      }
    }

    /** Resolves once nothing is waiting or on its way (at most `limit` seconds). */
    async settled(limit = 5) {
      const until = realSeconds() + limit;
      while ((this.inFlight || this.pending) && realSeconds() < until) {
        await new Promise((resolve) => window.setTimeout(resolve, 50));
      }
    }
  }

  // -- the running page ---------------------------------------------------------------------

  const INTERRUPTING = new Set(["step_started", "paused", "resumed", "session_finished"]);
  const STEP_PHRASES = new Set(["step_started", "breath_in", "breath_out", "half_way"]);
  const MUTE_KEY = "psoas.session.mute";

  function runPage(data) {
    const api = data.api;
    const el = {
      status: byId("session-status"),
      gate: byId("gate"),
      gateWhere: byId("gate-where"),
      gateError: byId("gate-error"),
      begin: byId("begin"),
      safetyStop: byId("safety-stop"),
      safetyStopMessage: byId("safety-stop-message"),
      run: byId("run"),
      number: byId("step-number"),
      phase: byId("step-phase"),
      side: byId("step-side"),
      title: byId("step-title"),
      cue: byId("step-cue"),
      checklist: byId("step-checklist"),
      stepLeft: byId("step-time-left"),
      sessionLeft: byId("session-time-left"),
      progress: byId("session-progress"),
      breath: byId("breath"),
      breathLabel: byId("breath-label"),
      back: byId("back"),
      pause: byId("pause"),
      next: byId("next"),
      mute: byId("mute"),
      voiceNote: byId("voice-note"),
      saveStatus: byId("save-status"),
      announce: byId("announce"),
      after: byId("after"),
      afterForm: byId("after-form"),
      afterError: byId("after-error"),
      afterSubmit: byId("after-submit"),
      summary: byId("summary"),
      summaryHeading: byId("summary-heading"),
      summarySpent: byId("summary-spent"),
      summaryChange: byId("summary-change"),
      painAdvice: byId("pain-advice"),
      releaseAdvice: byId("release-advice"),
      problem: byId("problem"),
      problemReport: byId("problem-report"),
      problemForm: byId("problem-form"),
      problemError: byId("problem-error"),
      problemSubmit: byId("problem-submit"),
      problemAdvice: byId("problem-advice"),
    };
    const speaker = new Speaker(data.stale_after);
    const wakeLock = new WakeLock();
    const saver = new Saver(`${api}/checkpoints`, (result) => {
      if (result && result.ok) setText(el.saveStatus, "");
      else if (result) setText(el.saveStatus, `Progress not saved: ${problemText(result)}`);
      else setText(el.saveStatus, "Progress not saved: psoas could not be reached. The session carries on.");
    });
    let record = data.record;
    let session = null;
    let shownIndex = -1;
    let frame = 0;

    function setStatus(state) {
      el.status.dataset.state = state;
      setText(el.status, state);
    }

    // The voice: the same phrases as the terminal (psoas.core.session_events.spoken_text).
    if (!speaker.available) {
      el.mute.disabled = true;
      setText(el.voiceNote, "This browser cannot speak: follow the screen.");
    } else {
      try {
        el.mute.checked = window.localStorage.getItem(MUTE_KEY) === "1";
      } catch (_) {
        // storage may be off; the default is to speak
      }
      speaker.muted = el.mute.checked;
    }
    el.mute.addEventListener("change", () => {
      speaker.muted = el.mute.checked;
      if (speaker.muted) speaker.stop();
      try {
        window.localStorage.setItem(MUTE_KEY, speaker.muted ? "1" : "0");
      } catch (_) {
        // not remembered; no matter
      }
    });

    function phrase(event) {
      if (STEP_PHRASES.has(event.kind)) return data.speech.steps[event.index][event.kind];
      return data.speech[event.kind] || null;
    }

    function onEvent(event) {
      if (event.progress) saver.save(event.progress); // before the new step is announced
      const text = phrase(event);
      if (text) {
        speaker.say(text, {
          interrupt: INTERRUPTING.has(event.kind),
          lateness: (event.at - event.due) / session.speed,
        });
      }
      switch (event.kind) {
        case "step_started":
          showStep(event.index);
          setText(el.announce, `Step ${event.index + 1} of ${session.steps.length}: ${event.step.title}`);
          break;
        case "paused":
          setText(el.announce, "Paused.");
          break;
        case "resumed":
          setText(el.announce, "Carrying on.");
          break;
        case "session_finished":
          finished();
          break;
        default:
          break;
      }
      showState();
    }

    function showStep(index) {
      shownIndex = index;
      const step = session.steps[index];
      setText(el.number, `Step ${index + 1} of ${session.steps.length}`);
      setText(el.phase, data.phases[step.phase] || step.phase);
      el.side.hidden = !step.side;
      setText(el.side, step.side ? `${capitalised(data.sides[step.side] || step.side)} side` : "");
      setText(el.title, step.title);
      setText(el.cue, step.cue);
      el.checklist.replaceChildren(
        ...(step.checklist || []).map((item) => {
          const li = document.createElement("li");
          li.textContent = item;
          return li;
        }),
      );
      el.checklist.hidden = !(step.checklist && step.checklist.length);
      el.breath.hidden = !step.breath;
    }

    function showState() {
      const state = session.state;
      setStatus(state);
      const live = state === "running" || state === "paused";
      el.run.classList.toggle("paused", state === "paused");
      setText(el.pause, state === "paused" ? "Resume" : "Pause");
      for (const button of [el.back, el.pause, el.next]) button.disabled = !live;
    }

    /** Draw the clock; cheap enough for every animation frame. */
    function draw() {
      if (!session) return;
      const snap = session.snapshot();
      if (snap.index !== shownIndex) showStep(snap.index);
      setText(el.stepLeft, clock(snap.stepLeft));
      setText(el.sessionLeft, clock(snap.sessionLeft));
      el.progress.value = snap.sessionElapsed;
      if (snap.breath) {
        el.breath.style.setProperty("--fullness", snap.breath.fullness.toFixed(3));
        setText(el.breathLabel, snap.breath.direction === "in" ? "Breathe in" : "Breathe out");
      }
    }

    function tick() {
      if (!session) return;
      session.tick();
      draw();
    }

    function animate() {
      tick();
      if (session && session.state !== "finished") frame = window.requestAnimationFrame(animate);
    }

    // Animation frames stop in a hidden tab; this keeps the events going there (and on time).
    window.setInterval(tick, 200);

    function makeSession(from) {
      session = new Session(from, {
        speed: data.speed,
        every: data.checkpoint_seconds,
        backAfter: data.back_restarts_after,
        listener: onEvent,
      });
    }

    function finished() {
      wakeLock.release();
      window.cancelAnimationFrame(frame);
      draw();
      el.run.hidden = true;
      showAfter();
    }

    function showAfter() {
      setStatus("finished");
      el.after.hidden = false;
      const heading = byId("after-heading");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }

    // -- the controls -------------------------------------------------------------------

    el.pause.addEventListener("click", () => session && session.togglePause());
    el.next.addEventListener("click", () => session && session.skip());
    el.back.addEventListener("click", () => session && session.back());

    const TYPING = new Set(["INPUT", "SELECT", "TEXTAREA"]);
    function shortcut(event) {
      if (!session || (session.state !== "running" && session.state !== "paused")) return null;
      if (event.altKey || event.ctrlKey || event.metaKey) return null;
      const target = event.target;
      if (target && (TYPING.has(target.tagName) || target.isContentEditable)) return null;
      switch (event.key) {
        case " ":
        case "Spacebar":
          return "pause";
        case "ArrowRight":
        case "n":
        case "N":
          return "next";
        case "ArrowLeft":
        case "b":
        case "B":
          return "back";
        default:
          return null;
      }
    }
    document.addEventListener("keydown", (event) => {
      const action = shortcut(event);
      if (!action) return;
      event.preventDefault(); // Space on a focused button must not click it as well
      if (event.repeat) return;
      if (action === "pause") session.togglePause();
      else if (action === "next") session.skip();
      else session.back();
    });
    document.addEventListener("keyup", (event) => {
      if (shortcut(event) === "pause") event.preventDefault();
    });

    el.begin.addEventListener("click", () => {
      if (!session || session.state !== "ready") return;
      el.gate.hidden = true;
      el.run.hidden = false;
      wakeLock.acquire();
      session.begin(); // inside the tap: browsers let a page speak only after a gesture
      el.pause.focus({ preventScroll: true });
      el.run.scrollIntoView({ block: "start" });
      frame = window.requestAnimationFrame(animate);
    });

    // -- leaving, hiding, coming back ---------------------------------------------------

    function latest() {
      if (!session || session.state === "ready") return null;
      if (session.state === "finished") return saver.finalStored ? null : session.currentProgress();
      return session.currentProgress();
    }
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        wakeLock.visible();
        tick();
        return;
      }
      const body = latest();
      if (body) saver.save(body);
    });
    window.addEventListener("pagehide", () => {
      const body = latest();
      if (body) saver.sendNow(body);
    });
    window.addEventListener("pageshow", (event) => {
      // Back from the back-forward cache: the stored position is the truth, so start from it.
      if (event.persisted && session && session.state !== "finished" && session.state !== "ready") {
        window.location.reload();
      }
    });

    // -- after the session ----------------------------------------------------------------

    const felt = [...el.afterForm.querySelectorAll('input[name="felt"]')];
    for (const box of felt) {
      box.addEventListener("change", () => {
        if (!box.checked) return;
        for (const other of felt) {
          if (other !== box && (box.value === "none" || other.value === "none")) other.checked = false;
        }
      });
    }

    el.afterForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      showMessage(el.afterError, "");
      el.afterSubmit.disabled = true;
      const adverse = [...el.afterForm.querySelectorAll('input[name="adverse"]:checked')];
      const body = {
        ratings: ratingsFrom(el.afterForm, "after-"),
        felt: felt.filter((box) => box.checked).map((box) => box.value),
        adverse_events: adverse.map((box) => box.value),
      };
      try {
        await saver.settled();
        const result = await postJson(`${api}/aftermath`, body);
        if (result.ok && result.data) {
          showSummary(result.data);
          return;
        }
        showMessage(el.afterError, problemText(result));
      } catch (_) {
        showMessage(el.afterError, "psoas could not be reached. Is it still running?");
      }
      el.afterSubmit.disabled = false;
    });

    function showSummary(done) {
      el.gate.hidden = true;
      el.run.hidden = true;
      el.after.hidden = true;
      el.summary.hidden = false;
      setStatus("finished");
      const stepsDone = done.steps.filter((step) => step.outcome).length;
      setText(
        el.summarySpent,
        `You spent ${clock(done.spent_seconds)} in the session; ${stepsDone} of ${done.steps.length} steps done.`,
      );
      const change = done.change || {};
      const names = Object.keys(change);
      const items = names.map((name) => {
        const li = document.createElement("li");
        const delta = change[name];
        const signed = delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : "no change";
        const label = data.ratings[name] || name;
        li.textContent = `${label}: ${done.before[name]} → ${done.after[name]} (${signed})`;
        return li;
      });
      if (!items.length) {
        const li = document.createElement("li");
        li.textContent = "No change to show: rate how you feel before and after a session to see one.";
        items.push(li);
      }
      el.summaryChange.replaceChildren(...items);
      const worse = names.filter(
        (name) => (name === "low_back_pain" || name === "hip_pain") && change[name] >= data.pain_up_points,
      );
      const advice = worse
        .map((name) => `Your ${(data.ratings[name] || name).toLowerCase()} is ${change[name]} points higher than before.`)
        .join(" ");
      showMessage(el.painAdvice, advice ? `${advice} ${data.pain_advice}` : "");
      showRelease(el.releaseAdvice, done.release);
      el.summaryHeading.focus();
    }

    // What went wrong, and why release is now paused: the server's words, as they came.
    function showRelease(box, release) {
      if (!release || release.allowed) {
        box.hidden = true;
        return;
      }
      const urgent = release.holds.some((hold) => hold.level === "urgent");
      box.className = `card safety safety-${urgent ? "urgent" : "caution"}`;
      const heading = document.createElement("p");
      heading.className = "summary-title";
      heading.textContent = urgent ? data.release_words.urgent : data.release_words.paused;
      const list = document.createElement("ul");
      for (const hold of release.holds) {
        const item = document.createElement("li");
        item.textContent = hold.message;
        list.append(item);
      }
      const next = document.createElement("p");
      next.textContent = data.release_words.answer_again;
      box.replaceChildren(heading, list, next);
      box.hidden = false;
    }

    // Stopping because something went wrong: the session stays saved where it is, and what
    // happened is reported at once (release pauses; some problems mean seek care now).
    el.problem.addEventListener("click", () => {
      if (!session || (session.state !== "running" && session.state !== "paused")) return;
      if (session.state === "running") session.pause();
      const body = latest();
      if (body) saver.save(body);
      el.run.hidden = true;
      el.problemReport.hidden = false;
      const heading = byId("problem-heading");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });

    el.problemForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      showMessage(el.problemError, "");
      const ticked = [...el.problemForm.querySelectorAll('input[name="problem"]:checked')];
      if (!ticked.length) {
        showMessage(el.problemError, data.release_words.tick_what_happened);
        return;
      }
      el.problemSubmit.disabled = true;
      try {
        await saver.settled();
        const result = await postJson(`${api}/aftermath`, {
          adverse_events: ticked.map((box) => box.value),
        });
        if (result.ok && result.data) {
          el.problemForm.hidden = true;
          showRelease(el.problemAdvice, result.data.release);
          setStatus("stopped for safety");
          return;
        }
        showMessage(el.problemError, problemText(result));
      } catch (_) {
        showMessage(el.problemError, "psoas could not be reached. Is it still running?");
      }
      el.problemSubmit.disabled = false;
    });

    // -- on load: where is this session? ---------------------------------------------------

    async function load() {
      if (record.status === "completed") {
        makeSession(record);
        if (record.after) showSummary(record);
        else showAfter();
        return;
      }
      setStatus("checking");
      let result;
      try {
        result = await postJson(`${api}/resume`, {}); // the safety screen, checked again
      } catch (_) {
        result = null;
      }
      if (result && result.status === 409) {
        setStatus("stopped for safety");
        el.gate.hidden = true;
        showMessage(el.safetyStopMessage, problemText(result));
        el.safetyStop.hidden = false;
        return;
      }
      if (!result || !result.ok || !result.data) {
        el.gate.hidden = false;
        showMessage(el.gateError, result ? problemText(result) : "psoas could not be reached. Reload the page to try again.");
        setStatus("not started");
        return;
      }
      record = result.data;
      makeSession(record);
      showStep(session.index);
      draw();
      showState();
      if (session.resuming) {
        const step = session.step;
        el.begin.textContent = "Continue";
        setText(
          el.gateWhere,
          `You stopped at step ${session.index + 1} of ${session.steps.length} (${step.title}), ` +
            `${clock(step.duration - session.heldOffset)} before its end. Continue from there.`,
        );
      } else {
        el.begin.textContent = "Begin";
        setText(el.gateWhere, `${session.steps.length} steps, ${clock(session.total)} in all.`);
      }
      el.gate.hidden = false;
      el.begin.disabled = false;
      setStatus("ready");
    }

    load();
  }

  // -- which page is this ---------------------------------------------------------------------

  function main() {
    const form = byId("start-form");
    if (form) startPage(form);
    const block = byId("session-data");
    if (block) runPage(JSON.parse(block.textContent));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
