// Saves what the worker has typed into a new Workbook entry, on the server, every few
// seconds after they stop typing. Drafts are kept per worker per family, so they survive a
// timed-out session or a closed laptop. Without JavaScript the form still works; the draft
// is then saved whenever the form is submitted.
const form = document.querySelector("form[data-autosave-url]");
const status = document.getElementById("autosave-status");
const DELAY_MS = 3000;
let timer = null;
let lastSent = "";

function say(text) {
  if (status) status.textContent = text;
}

async function save() {
  timer = null;
  const body = new FormData(form);
  const fingerprint = new URLSearchParams(body).toString();
  if (fingerprint === lastSent) return;
  try {
    const response = await fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    });
    const type = response.headers.get("content-type") || "";
    if (response.redirected || !response.ok || !type.includes("application/json")) {
      say("Your draft could not be saved: you may have been signed out. Your last saved draft is kept; sign in again in another tab, then keep typing.");
      return;
    }
    const result = await response.json();
    lastSent = fingerprint;
    say(result.message);
  } catch {
    say("Your draft could not be saved just now. It will be saved again when you next type.");
  }
}

if (form) {
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", () => {
    if (timer) clearTimeout(timer);
  });
}
