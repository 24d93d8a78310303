// Poll workflow runs shown on the page until they finish. The page works without this:
// reloading it shows the same status.
const finished = new Set(["completed", "failed"]);

async function poll(tag) {
  const url = tag.dataset.flowRunUrl;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let run;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      run = await response.json();
    } catch (error) {
      continue;
    }
    tag.textContent = run.label;
    tag.className = `govuk-tag ${run.classes}`;
    if (run.finished) {
      if (tag.hasAttribute("data-reload-when-done")) window.location.reload();
      return;
    }
  }
}

document.querySelectorAll("[data-flow-run-url]").forEach((tag) => {
  if (!finished.has(tag.dataset.flowRunStatus)) poll(tag);
});
