// js_on_load of the conversation (a gr.HTML): `element`, `trigger` and `watch` come from Gradio.
// Clicks that need the server become events: 'example' (ask it), 'fresh' (ask again without the earlier
// topic), 'vote', 'open' (load a document), 'restore' (undo Clear), 'reason' (why a thumbs-down).
window.ragTrigger = trigger; // the page's script replays the kept history through the same events
element.addEventListener("click", (event) => {
  const example = event.target.closest("[data-example]");
  if (example) {
    window.ragFocusNext = true; // the button goes away with the re-render: focus the new answer instead
    trigger("example", { question: example.dataset.example });
    return;
  }
  if (event.target.closest("[data-restore]")) {
    window.ragFocusNext = true; // the button goes with the re-render: focus the restored answer
    trigger("restore", {});
    return;
  }
  const fresh = event.target.closest("[data-fresh]");
  if (fresh) {
    window.ragFocusNext = true;
    trigger("fresh", { question: fresh.dataset.fresh });
    return;
  }
  const vote = event.target.closest("[data-vote]");
  if (vote) {
    const turn = vote.closest("[data-turn]");
    const pressed = vote.getAttribute("aria-pressed") === "true";
    turn.querySelectorAll("[data-vote]").forEach((b) => b.setAttribute("aria-pressed", "false"));
    vote.setAttribute("aria-pressed", pressed ? "false" : "true");
    const actions = vote.closest(".actions");
    const note = actions && actions.querySelector(".note");
    if (note) note.textContent = "";
    // Said inline (no toast) once the server has written it: window.ragVoteSaved runs after the event.
    window.ragVotePending = note && { note, text: pressed ? actions.dataset.withdrawn : actions.dataset.thanks };
    const reason = actions && actions.querySelector(".reason");
    if (reason) {
      reason.hidden = vote.dataset.vote !== "down" || pressed; // offered while thumbs-down is pressed
      reason.querySelector("select").value = ""; // a new vote starts without one (the server drops it too)
    }
    trigger("vote", { turn: Number(turn.dataset.turn), rating: vote.dataset.vote });
    return;
  }
  const link = event.target.closest("a[data-chunk]");
  if (link) {
    event.preventDefault();
    window.ragOpener = link; // Escape and "back to the answer" return here
    window.ragOpen(link.dataset.source, link.dataset.chunk, link.dataset.marks, (source) =>
      trigger("open", { source: source })
    );
  }
});

element.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-reason]");
  if (!select || !select.value) return;
  const actions = select.closest(".actions");
  const note = actions.querySelector(".note");
  if (note) note.textContent = "";
  window.ragVotePending = note && { note, text: actions.dataset.thanks };
  trigger("reason", { turn: Number(select.closest("[data-turn]").dataset.turn), reason: select.value });
});

// After a new reply: the page's language follows the conversation's, the document pane drops the
// previous answer's highlights, screen readers hear the reply, focus goes to it when its trigger is gone,
// and its top comes into view (the newest reply sits first, under the question box).
let latestSeen = element.querySelector(".rag-conv")?.dataset.latest;
watch("value", () => {
  const conv = element.querySelector(".rag-conv");
  if (!conv) return;
  if (window.ragSyncLanguage) window.ragSyncLanguage(conv.lang);
  if (window.ragKeepHistory) window.ragKeepHistory(conv); // an undone Clear brings its questions back too
  const undo = conv.querySelector(".undo");
  if (undo) {
    const r = undo.getBoundingClientRect(); // on a phone Clear sits far below: bring the offer into view
    if (r.top < 0 || r.bottom > window.innerHeight) undo.scrollIntoView({ block: "center" });
    setTimeout(() => undo.remove(), 10000); // Undo is offered for a few seconds only
  }
  const restored = window.ragFocusNext && conv.querySelector(".turn .question");
  if (restored && !undo && conv.dataset.latest === latestSeen) {
    window.ragFocusNext = false;
    restored.focus({ preventScroll: true });
  }
  const latest = conv.dataset.latest;
  if (!latest || latest === latestSeen) return;
  latestSeen = latest;
  if (window.ragNewAnswer) window.ragNewAnswer(conv);
  const turn = conv.querySelector(".turn");
  if (!turn) return;
  const lost = !document.activeElement || document.activeElement === document.body;
  if (window.ragFocusNext || lost) {
    window.ragFocusNext = false;
    turn.querySelector(".question")?.focus({ preventScroll: true });
  }
  const top = turn.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.4) turn.scrollIntoView({ block: "start" });
});
