// The photo viewer (functions/pages/viewer.tsx): keys, swipes, zoom, live photos, the details
// panel, and forms sent without leaving a trail of history entries. The page works without it.
"use strict";

(() => {
  const root = document.querySelector("[data-photo-viewer]");
  if (!root) return;

  const assetId = root.dataset.asset;
  const stage = root.querySelector("[data-stage]");
  const canvas = root.querySelector("[data-canvas]");
  const image = root.querySelector("[data-image]");
  const info = root.querySelector("[data-info]");
  const infoToggle = root.querySelector("[data-info-toggle]");
  const zoomButton = root.querySelector("[data-zoom-button]");
  const liveButton = root.querySelector("[data-live-button]");
  const liveVideo = root.querySelector("[data-live-video]");
  const returnKey = "shoebox.viewer.return";
  const changesKey = "shoebox.viewer.changes";

  // Where "back" goes: the page the viewer was opened from, by the history, so that it comes back
  // as it was left (scrolled, with its months loaded). Stepping between photos replaces the entry.
  let from;
  try {
    from = document.referrer ? new URL(document.referrer) : undefined;
  } catch {}
  if (from && from.origin === location.origin && !from.pathname.startsWith("/photos/")) {
    sessionStorage.setItem(returnKey, from.href);
  } else if (!from || from.origin !== location.origin) {
    sessionStorage.removeItem(returnKey);
  }

  function goBack() {
    if (sessionStorage.getItem(returnKey) && history.length > 1) {
      sessionStorage.removeItem(returnKey);
      history.back();
    } else {
      location.href = root.dataset.back || "/";
    }
  }

  // What changed here, for the timeline to apply when the browser brings it back from its cache.
  function recordChange(change) {
    let changes = [];
    try {
      changes = JSON.parse(sessionStorage.getItem(changesKey) || "[]");
    } catch {}
    changes.push(change);
    sessionStorage.setItem(changesKey, JSON.stringify(changes.slice(-500)));
  }

  function go(link) {
    if (link) location.replace(link.href);
  }

  root.querySelectorAll("[data-back]").forEach((link) =>
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      goBack();
    }),
  );

  root.querySelectorAll('a[rel="prev"], a[rel="next"]').forEach((link) =>
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      go(link);
    }),
  );

  // A video plays when opened; where the browser allows that only without sound, without sound.
  const video = root.querySelector("[data-video]");
  if (video) {
    video.play().catch(() => {
      video.muted = true;
      return video.play().catch(() => {});
    });
  }

  // The next photo is likely to be wanted: fetch its preview now.
  for (const src of [root.dataset.nextPreview, root.dataset.previousPreview]) {
    if (src) new Image().src = src;
  }

  // Details
  function setInfo(open) {
    info.hidden = !open;
    if (open) showMiniMap();
    infoToggle.setAttribute("aria-expanded", String(open));
    infoToggle.classList.toggle("is-on", open);
    const withInfo = (href) => {
      const url = new URL(href, location.href);
      if (open) url.searchParams.set("info", "1");
      else url.searchParams.delete("info");
      return url.pathname + url.search;
    };
    root.querySelectorAll('a[rel="prev"], a[rel="next"]').forEach((link) => (link.href = withInfo(link.href)));
    root.querySelectorAll("form[data-viewer-form], form[data-favorite-form]").forEach((form) => {
      form.action = withInfo(form.action);
      if (form.hasAttribute("hx-post")) form.setAttribute("hx-post", form.action);
    });
    history.replaceState(history.state, "", withInfo(location.href));
    const toggled = new URL(location.href);
    if (open) toggled.searchParams.delete("info");
    else toggled.searchParams.set("info", "1");
    infoToggle.href = toggled.pathname + toggled.search;
  }

  infoToggle?.addEventListener("click", (event) => {
    event.preventDefault();
    setInfo(info.hidden);
  });

  // Zoom: the original when browsers can show it, else its full-size copy, at its own size.
  let zoomed = false;
  function setZoom(on) {
    if (!image) return;
    zoomed = on;
    stage.classList.toggle("is-zoomed", on);
    zoomButton?.setAttribute("aria-pressed", String(on));
    if (on && root.dataset.zoomSrc && image.dataset.full !== "true") {
      image.dataset.full = "true";
      const full = new Image();
      full.onload = () => {
        image.src = full.src;
        centre();
      };
      full.src = root.dataset.zoomSrc;
    }
    if (on) centre();
  }

  function centre() {
    requestAnimationFrame(() => {
      canvas.scrollLeft = (canvas.scrollWidth - canvas.clientWidth) / 2;
      canvas.scrollTop = (canvas.scrollHeight - canvas.clientHeight) / 2;
    });
  }

  if (zoomButton && image) {
    zoomButton.hidden = false;
    zoomButton.addEventListener("click", () => setZoom(!zoomed));
  }

  // Live photos: the video plays over the photo, once.
  function playLive() {
    if (!liveVideo) return;
    liveVideo.hidden = false;
    liveVideo.currentTime = 0;
    liveButton?.setAttribute("aria-pressed", "true");
    liveVideo.play().catch(() => stopLive());
  }

  function stopLive() {
    if (!liveVideo) return;
    liveVideo.pause();
    liveVideo.hidden = true;
    liveButton?.setAttribute("aria-pressed", "false");
  }

  liveButton?.addEventListener("click", () => (liveVideo.hidden ? playLive() : stopLive()));
  liveVideo?.addEventListener("ended", stopLive);

  // Pointer: a tap on the photo zooms, a horizontal swipe steps, a drag pans the zoomed photo.
  let start;
  stage.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.target.closest("a, button, video[controls]")) return;
    start = {
      x: event.clientX,
      y: event.clientY,
      left: canvas.scrollLeft,
      top: canvas.scrollTop,
      time: Date.now(),
      id: event.pointerId,
    };
    if (zoomed && event.pointerType === "mouse") {
      canvas.setPointerCapture(event.pointerId);
      canvas.classList.add("is-dragging");
    }
  });

  stage.addEventListener("pointermove", (event) => {
    if (!start || start.id !== event.pointerId || !zoomed || event.pointerType !== "mouse") return;
    canvas.scrollLeft = start.left - (event.clientX - start.x);
    canvas.scrollTop = start.top - (event.clientY - start.y);
  });

  function endPointer(event) {
    if (!start || start.id !== event.pointerId) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    const moved = Math.abs(dx) > 8 || Math.abs(dy) > 8;
    canvas.classList.remove("is-dragging");
    const begun = start;
    start = undefined;
    if (event.type === "pointercancel") return;
    if (!zoomed && Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy) * 1.5 && Date.now() - begun.time < 800) {
      go(root.querySelector(dx < 0 ? 'a[rel="next"]' : 'a[rel="prev"]'));
      return;
    }
    if (!moved && image && (event.target === image || zoomed)) setZoom(!zoomed);
  }

  stage.addEventListener("pointerup", endPointer);
  stage.addEventListener("pointercancel", endPointer);

  // Keys (the arrows are app.js's, which clicks the previous and next links).
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target instanceof Element && event.target.closest("input, textarea, select, summary")) return;
    if (event.key === "Escape") {
      event.preventDefault();
      if (zoomed) setZoom(false);
      else goBack();
    } else if (event.key === "i") {
      setInfo(info.hidden);
    } else if (event.key === "z" && image) {
      setZoom(!zoomed);
    } else if (event.key === "l" && liveVideo) {
      liveVideo.hidden ? playLive() : stopLive();
    } else if (event.key === "f") {
      root.querySelector("form[data-favorite-form]")?.requestSubmit();
    }
  });

  // The favorite toggle is swapped in by htmx; the timeline learns of it when it comes back.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.matches("[data-favorite-form]")) {
      recordChange({ id: assetId, favorite: form.elements.favorite.value === "true" });
      return;
    }
    if (!form.matches("[data-viewer-form]")) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    send(form);
  });

  // A change posts in the background and the page moves on in place (location.replace), so that
  // "back" still leads out of the viewer.
  async function send(form) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => (button.disabled = true));
    try {
      // A plain form body, as the browser would send it (multipart bodies are not read for the CSRF field).
      const body = new URLSearchParams(new FormData(form));
      const response = await fetch(form.action, { method: "POST", body, headers: { accept: "text/html" } });
      if (response.ok) {
        if (form.dataset.removes) recordChange({ id: form.dataset.removes, removed: true });
        else recordChange({ id: assetId, changed: true });
        location.replace(response.url);
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const message =
        page.querySelector(".form-error, .card p")?.textContent || `That did not work (${response.status}).`;
      showMessage(message);
    } catch {
      showMessage("The server could not be reached. Try again.");
    }
    buttons.forEach((button) => (button.disabled = false));
  }

  let toast;
  function showMessage(text) {
    toast?.remove();
    toast = document.createElement("p");
    toast.className = "pv-toast";
    toast.setAttribute("role", "alert");
    toast.textContent = text;
    document.body.append(toast);
    setTimeout(() => toast?.remove(), 5000);
  }
})();

// The small map in the details: where the photo was taken, on the configured tiles (or on a
// plain background when tiles are off or do not load). Leaflet is deferred like this script.
function showMiniMap() {
  const container = document.querySelector(".mini-map");
  // A map drawn while the details are hidden has no size: it waits until they open.
  if (!container || !window.L || container.dataset.ready || container.offsetParent === null) return;
  container.dataset.ready = "yes";
  const position = [Number(container.dataset.lat), Number(container.dataset.lon)];
  const map = window.L.map(container, {
    zoomControl: false,
    attributionControl: Boolean(container.dataset.tileUrl),
    scrollWheelZoom: false,
  }).setView(position, 12);
  if (container.dataset.tileUrl) {
    window.L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.tileAttribution?.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`) ?? "",
    }).addTo(map);
  }
  window.L.marker(position, {
    icon: window.L.divIcon({ className: "mini-map-pin", iconSize: [18, 18] }),
    keyboard: false,
  }).addTo(map);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showMiniMap);
else showMiniMap();
