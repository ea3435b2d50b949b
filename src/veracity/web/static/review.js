// Keyboard for the reviewer's page: j/k next/previous, c claim, 1-9 choose a decision then
// Enter, e escalate, f fact-check, r reveal media, n note, ? help. Keys typed into a form field
// are left alone (Escape leaves the field). Also keeps the SLA timer current.
(function () {
  "use strict";
  const $ = (sel) => document.querySelector(sel);

  function click(sel) {
    const el = $(sel);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }

  function follow(sel) {
    const a = $(sel);
    if (a && a.href) { window.location.assign(a.href); return true; }
    return false;
  }

  function choose(key) {
    const input = document.querySelector(`#decide input[name="outcome"][data-key="${key}"]`);
    if (!input || input.disabled) return false;
    input.checked = true;
    const needsTag = input.dataset.restrictive === "true"
      && !document.querySelector('#decide input[name="policy_tags"]:checked');
    const next = needsTag ? $("#decide input[name=policy_tags]") : $("#decide-submit");
    if (next) next.focus();
    return true;
  }

  function toggleHelp(force) {
    const help = $("#help");
    if (help) help.hidden = force === undefined ? !help.hidden : !force;
  }

  function revealAll() {
    const figures = document.querySelectorAll("figure[data-media]");
    const anyVeiled = Array.from(figures).some((f) => f.classList.contains("veiled"));
    figures.forEach((f) => f.classList.toggle("veiled", !anyVeiled));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.reveal");
    if (button) button.closest("figure").classList.toggle("veiled");
    if (event.target.closest("#help-toggle")) toggleHelp();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const field = event.target.closest && event.target.closest("input, textarea, select");
    if (field) {
      if (event.key === "Escape") field.blur();
      if (field.type !== "radio" && field.type !== "checkbox") return;
      if (event.key === "Enter") { event.preventDefault(); click("#decide-submit"); return; }
    }
    let handled = false;
    switch (event.key) {
      case "j": handled = follow("#next"); break;
      case "k": handled = follow("#prev"); break;
      case "c": handled = click("#claim"); break;
      case "e": handled = click("#escalate-senior"); break;
      case "f": handled = click("#escalate-factcheck"); break;
      case "r": revealAll(); handled = true; break;
      case "n": { const note = $("#note"); if (note && !note.disabled) { note.focus(); handled = true; } break; }
      case "?": toggleHelp(); handled = true; break;
      case "Escape": toggleHelp(false); break;
      default:
        if (/^[1-9]$/.test(event.key)) handled = choose(event.key);
    }
    if (handled) event.preventDefault();
  });

  function tick() {
    const sla = $("#sla");
    if (!sla || !sla.dataset.deadline) return;
    const left = Math.round((Date.parse(sla.dataset.deadline) - Date.now()) / 1000);
    const abs = Math.abs(left);
    const text = `${Math.floor(abs / 3600)}h ${String(Math.floor((abs % 3600) / 60)).padStart(2, "0")}m`;
    sla.textContent = left < 0 ? `overdue by ${text}` : `${text} left`;
    sla.classList.toggle("overdue", left < 0);
  }
  tick();
  setInterval(tick, 30000);
})();
