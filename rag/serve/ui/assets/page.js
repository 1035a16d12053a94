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
    for (const mark of (marks || "").split(",").filter(Boolean)) {
      const [start, end] = mark.split("-");
      passage.querySelectorAll(".s").forEach((s) => {
        if (s.dataset.s === start && s.dataset.e === end) s.classList.add("hl");
      });
    }
    const outline = pane.querySelector(".outline details");
    if (outline && window.matchMedia("(max-width: 768px)").matches) outline.open = false; // room for the text
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

  document.addEventListener("click", (event) => {
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
