// Page-wide behaviour of the web UI, loaded once in <head>: opening a passage in the document pane,
// copying a reply, downloading the conversation. Everything it shows was escaped by the server;
// it only reads data-* attributes and never builds HTML from them.
(function () {
  "use strict";

  function docPane() {
    return document.querySelector("#docpane .rag-doc");
  }

  // Highlight a passage (and its answering sentences, by exact offsets) and scroll it into view.
  function focusPassage(chunkId, marks) {
    const pane = docPane();
    if (!pane) return false;
    const passage = Array.from(pane.querySelectorAll(".chunk")).find((c) => c.dataset.chunk === chunkId);
    if (!passage) return false;
    pane.querySelectorAll(".chunk.current").forEach((c) => c.classList.remove("current"));
    pane.querySelectorAll(".s.hl").forEach((s) => s.classList.remove("hl"));
    passage.classList.add("current");
    const back = pane.querySelector("[data-back]");
    if (back) back.hidden = !window.ragOpener; // a way back to the [n] that opened it
    for (const mark of (marks || "").split(",").filter(Boolean)) {
      const [start, end] = mark.split("-");
      passage.querySelectorAll(".s").forEach((s) => {
        if (s.dataset.s === start && s.dataset.e === end) s.classList.add("hl");
      });
    }
    const outline = pane.querySelector(".outline details");
    if (outline) outline.open = false; // the passage needs the room once one is open
    const box = pane.querySelector(".doc-text");
    box.scrollTop = passage.offsetTop - 8;
    passage.setAttribute("tabindex", "-1");
    passage.focus({ preventScroll: true });
    const rect = passage.getBoundingClientRect();
    if (rect.top < 0 || rect.top > window.innerHeight - 40) {
      passage.scrollIntoView({ block: "start" }); // the pane is below the chat on narrow screens
    }
    return true;
  }

  // Called by the conversation: open a passage, asking the server for its document first if needed.
  window.ragOpen = function (source, chunkId, marks, askServer) {
    const pane = docPane();
    if (pane && pane.dataset.source === source && focusPassage(chunkId, marks)) return;
    window.ragPending = { chunkId, marks };
    askServer(source);
  };

  // Called by the document pane after it re-rendered.
  window.ragDocumentShown = function () {
    const pending = window.ragPending;
    window.ragPending = null;
    if (pending) focusPassage(pending.chunkId, pending.marks);
  };

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      return ok;
    }
  }

  function download(markdown) {
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([markdown], { type: "text/markdown;charset=utf-8" }));
    link.download = `conversation-${stamp}.md`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  // Back from the document pane to the [n] that opened it (or the newest answer).
  function backToAnswer() {
    const opener = window.ragOpener;
    const target = opener && document.contains(opener) ? opener : document.querySelector("#conversation .turn .question");
    if (!target) return;
    target.focus();
    target.scrollIntoView({ block: "center" });
  }

  // The page's language and title follow the UI language (the conversation carries both).
  window.ragSyncLanguage = function (lang) {
    const conv = document.querySelector("#conversation .rag-conv");
    if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
    if (conv && conv.dataset.title && document.title !== conv.dataset.title) document.title = conv.dataset.title;
  };

  function liveRegion() {
    let live = document.getElementById("rag-live");
    if (!live) {
      live = document.createElement("div");
      live.id = "rag-live";
      live.className = "sr-only";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    return live;
  }

  // A vote's confirmation, said in its reply once the server has recorded it.
  window.ragVoteSaved = function () {
    const pending = window.ragVotePending;
    window.ragVotePending = null;
    if (pending && pending.note.isConnected) pending.note.textContent = pending.text;
  };

  const HISTORY = "rag-history";

  // A new reply: old highlights leave the pane, screen readers hear it, the browser keeps the history.
  window.ragNewAnswer = function (conv) {
    const pane = docPane();
    if (pane) {
      pane.querySelectorAll(".chunk.current").forEach((c) => c.classList.remove("current"));
      pane.querySelectorAll(".s.hl").forEach((s) => s.classList.remove("hl"));
      const back = pane.querySelector("[data-back]");
      if (back) back.hidden = true;
    }
    window.ragOpener = null;
    liveRegion().textContent = conv.dataset.announce || "";
    window.ragKeepHistory(conv);
  };

  // The browser keeps the questions shown (not while it replays them): a new answer, a Clear, its Undo.
  window.ragKeepHistory = function (conv) {
    if (window.ragReplaying) return;
    try {
      localStorage.setItem(HISTORY, conv.dataset.questions || "[]");
    } catch (err) {
      /* private mode or full storage: the conversation just is not kept */
    }
  };

  // Ask questions through the page itself, one after another, as if typed: a ?q= link, or the history.
  function askInTurn(items, done) {
    const box = document.querySelector("#question textarea, #question input");
    const button = document.querySelector("#ask");
    const conv = () => document.querySelector("#conversation .rag-conv");
    if (!box || !button || !conv()) return setTimeout(() => askInTurn(items, done), 100);
    if (!items.length) return done && done();
    const item = items[0];
    const before = conv().dataset.latest;
    const next = () => {
      const now = conv();
      if (now && now.dataset.latest !== before) return askInTurn(items.slice(1), done);
      setTimeout(next, 50);
    };
    if (item.alone && window.ragTrigger) {
      window.ragTrigger("fresh", { question: item.q }); // asked on its own then: no earlier topic now either
      return next();
    }
    box.value = item.q;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => {
      button.click();
      next();
    }, 50);
  }

  function restore() {
    const params = new URLSearchParams(location.search);
    const asked = params.get("q");
    let kept = [];
    try {
      kept = JSON.parse(localStorage.getItem(HISTORY) || "[]");
    } catch (err) {
      kept = [];
    }
    if (!Array.isArray(kept)) kept = [];
    const items = kept.filter((h) => h && typeof h.q === "string" && h.q.trim()).slice(-20);
    if (asked) items.push({ q: asked });
    if (!items.length) return openHashPassage();
    window.ragReplaying = true;
    askInTurn(items, () => {
      window.ragReplaying = false;
      if (asked) history.replaceState(null, "", location.pathname + location.hash); // a reload does not ask it twice
      const conv = document.querySelector("#conversation .rag-conv");
      if (conv) window.ragNewAnswer(conv);
      openHashPassage();
    });
  }

  // #c-<id>: open that passage in the document pane.
  function openHashPassage() {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!id.startsWith("c-")) return;
    const tryOpen = (n) => {
      if (!focusPassage(id.slice(2), "") && n > 0) setTimeout(() => tryOpen(n - 1), 100);
    };
    tryOpen(50);
  }

  // A counter under the question box once it nears the limit: over it, the server refuses the question.
  const LIMIT = 1000;
  document.addEventListener("input", (event) => {
    const box = event.target.closest && event.target.closest("#question textarea, #question input");
    if (!box) return;
    let counter = document.getElementById("rag-counter");
    if (!counter) {
      counter = document.createElement("p");
      counter.id = "rag-counter";
      counter.className = "counter";
      counter.setAttribute("aria-live", "polite");
      document.querySelector("#ask-row")?.after(counter);
    }
    const conv = document.querySelector("#conversation .rag-conv");
    const template = (conv && conv.dataset.counter) || "{n} / {limit}";
    const n = box.value.length;
    counter.hidden = n < LIMIT * 0.9;
    counter.classList.toggle("over", n > LIMIT);
    counter.textContent = template.replace("{n}", n.toLocaleString()).replace("{limit}", LIMIT.toLocaleString());
  });

  // Gradio may add this script after the page's load event: start now if so.
  function start() {
    liveRegion();
    restore();
  }
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && event.target.closest && event.target.closest("#docpane")) {
      event.preventDefault();
      backToAnswer();
    }
  });

  // The clear button forgets the kept history too.
  document.addEventListener("click", (event) => {
    if (event.target.closest("#clear")) {
      try {
        localStorage.removeItem(HISTORY);
      } catch (err) {
        /* nothing kept */
      }
    }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("#docpane [data-back]")) {
      backToAnswer();
      return;
    }
    const linkButton = event.target.closest("#conversation [data-link]");
    if (linkButton) {
      const url = `${location.origin}${location.pathname}?q=${encodeURIComponent(linkButton.dataset.link)}`;
      const note = (linkButton.closest("[data-turn]") || linkButton.parentElement).querySelector(".note");
      copy(url).then((ok) => {
        if (ok && note) note.textContent = linkButton.dataset.done;
      });
      return;
    }
    const goto = event.target.closest("#docpane [data-goto]");
    if (goto) {
      event.preventDefault();
      focusPassage(goto.dataset.goto, "");
      return;
    }
    const copyButton = event.target.closest("#conversation [data-copy]");
    if (copyButton) {
      const note = (copyButton.closest("[data-turn]") || copyButton.parentElement).querySelector(".note");
      if (note) note.textContent = "";
      copy(copyButton.dataset.copy).then((ok) => {
        if (ok && note) note.textContent = copyButton.dataset.done;
      });
      return;
    }
    const downloadButton = event.target.closest("#conversation [data-download]");
    if (downloadButton) download(downloadButton.dataset.download);
  });
})();
