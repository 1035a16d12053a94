// js_on_load of the conversation (a gr.HTML): `element`, `trigger` and `watch` come from Gradio.
// Clicks that need the server become events: 'example' (ask it), 'vote', 'open' (load a document).
element.addEventListener("click", (event) => {
  const example = event.target.closest("[data-example]");
  if (example) {
    trigger("example", { question: example.dataset.example });
    return;
  }
  const vote = event.target.closest("[data-vote]");
  if (vote) {
    const turn = vote.closest("[data-turn]");
    const pressed = vote.getAttribute("aria-pressed") === "true";
    turn.querySelectorAll("[data-vote]").forEach((b) => b.setAttribute("aria-pressed", "false"));
    vote.setAttribute("aria-pressed", pressed ? "false" : "true");
    trigger("vote", { turn: Number(turn.dataset.turn), rating: vote.dataset.vote });
    return;
  }
  const link = event.target.closest("a[data-chunk]");
  if (link) {
    event.preventDefault();
    window.ragOpen(link.dataset.source, link.dataset.chunk, link.dataset.marks, (source) =>
      trigger("open", { source: source })
    );
  }
});

// After a new reply, bring its top into view (the newest reply sits first, under the question box).
let latestSeen = element.querySelector(".rag-conv")?.dataset.latest;
watch("value", () => {
  const conv = element.querySelector(".rag-conv");
  const latest = conv?.dataset.latest;
  if (!latest || latest === latestSeen) return;
  latestSeen = latest;
  const turn = conv.querySelector(".turn");
  if (!turn) return;
  const top = turn.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.4) turn.scrollIntoView({ block: "start" });
});
