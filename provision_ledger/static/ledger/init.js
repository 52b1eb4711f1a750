import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// A "Copy link" button copies the text of the element it names and says so to screen readers too.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const source = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = "Link copied.";
    } catch {
      if (status) status.textContent = "Your browser did not let us copy it: select the link and copy it yourself.";
    }
  });
}
