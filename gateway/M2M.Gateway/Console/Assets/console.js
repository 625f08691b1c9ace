// The M2M gateway console's only script: copy buttons, a device's live view (Server-Sent Events
// and one small SVG line chart per numeric field) and the progress of its commands and rotations.
// No library: the pages work without it, it adds the live parts.
"use strict";

(function () {
  const points = 60;
  const svgNs = "http://www.w3.org/2000/svg";

  // Copy buttons: <button data-copy="element-id">.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      } catch {
        // No clipboard (plain HTTP on another host, or refused): select the text for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
    });
  }

  // Commands and rotations in progress: the page fetches itself every 2 s and takes their tables
  // from it until every command is answered and every rotation finished.
  const work = document.getElementById("work");
  function follow() {
    if (!work || work.dataset.follow !== "true") {
      return;
    }

    setTimeout(async () => {
      try {
        const response = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (response.ok) {
          const next = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("work");
          if (next) {
            work.innerHTML = next.innerHTML;
            work.dataset.follow = next.dataset.follow;
          }
        }
      } catch {
        // The gateway is restarting or the network dropped: try again at the next tick.
      }
      follow();
    }, 2000);
  }
  follow();

  const live = document.querySelector("[data-live]");
  if (!live) {
    return;
  }

  const charts = live.querySelector(".charts");
  const state = live.querySelector(".live-state");
  const log = live.querySelector(".live-log");
  const status = document.getElementById("device-status");
  const series = new Map();

  function chartFor(name) {
    let entry = series.get(name);
    if (entry) {
      return entry;
    }

    const figure = document.createElement("figure");
    figure.className = "chart";
    figure.dataset.field = name;
    const caption = document.createElement("figcaption");
    const label = document.createElement("span");
    label.textContent = name;
    const value = document.createElement("span");
    value.className = "value";
    caption.append(label, value);
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", "0 0 300 90");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("role", "img");
    const axis = document.createElementNS(svgNs, "line");
    axis.setAttribute("class", "axis");
    axis.setAttribute("x1", "0"); axis.setAttribute("x2", "300");
    axis.setAttribute("y1", "89"); axis.setAttribute("y2", "89");
    const line = document.createElementNS(svgNs, "polyline");
    svg.append(axis, line);
    figure.append(caption, svg);
    charts.append(figure);
    entry = { values: [], line, value, svg, figure };
    series.set(name, entry);
    return entry;
  }

  function draw(name, number) {
    const entry = chartFor(name);
    entry.values.push(number);
    if (entry.values.length > points) {
      entry.values.shift();
    }

    const min = Math.min(...entry.values);
    const max = Math.max(...entry.values);
    const span = max - min || 1;
    const step = 300 / (points - 1);
    entry.line.setAttribute("points", entry.values
      .map((v, i) => `${(i * step).toFixed(1)},${(85 - ((v - min) / span) * 80).toFixed(1)}`)
      .join(" "));
    entry.value.textContent = String(number);
    entry.figure.dataset.count = String(entry.values.length);
    entry.svg.setAttribute("aria-label", `${name}: last ${number}, ${entry.values.length} points from ${min} to ${max}`);
  }

  function note(text) {
    const item = document.createElement("li");
    item.textContent = text;
    log.prepend(item);
    while (log.children.length > 20) {
      log.lastElementChild.remove();
    }
  }

  const source = new EventSource(live.dataset.live);
  source.addEventListener("open", () => { state.textContent = "Live: connected to the gateway"; live.dataset.state = "open"; });
  source.addEventListener("error", () => { state.textContent = "Live: reconnecting…"; live.dataset.state = "reconnecting"; });
  source.addEventListener("message", (e) => {
    const body = JSON.parse(e.data);
    for (const [name, number] of Object.entries(body.fields || {})) {
      draw(name, number);
    }
    note(`${body.at} accepted on ${body.detail}`);
  });
  source.addEventListener("refused", (e) => {
    const body = JSON.parse(e.data);
    note(`${body.at} refused: ${body.reason} on ${body.detail}`);
  });
  source.addEventListener("session", (e) => {
    const body = JSON.parse(e.data);
    const connected = body.reason === "connected";
    if (status) {
      status.textContent = connected ? "connected" : "offline";
      status.className = "badge " + (connected ? "connected" : "offline");
      status.dataset.reason = body.reason;
    }
    note(connected ? `${body.at} session opened from ${body.detail}` : `${body.at} session ended: ${body.reason}`);
  });
})();
