// The timeline and its sister views (functions/pages/timeline.tsx): months loaded as they scroll
// near, thumbhash placeholders, the scrubber, selection and its actions (through the JSON API),
// and uploads. The pages show their first months without it.
"use strict";

(() => {
  if (!document.getElementById("timeline-root")) return;
  document.documentElement.classList.add("has-script");

  const root = () => document.getElementById("timeline-root");
  const view = () => root()?.dataset.view ?? "timeline";
  const userId = () => root()?.dataset.user ?? "";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
  const header = document.querySelector("body > .bar");
  // The top of what is visible under the sticky header.
  const viewTop = () => (header ? Math.max(0, header.getBoundingClientRect().bottom) : 0);
  const changesKey = "shoebox.viewer.changes";

  // ---- Thumbhash placeholders, drawn as tiles come near the screen --------------------------

  let thumbhash;
  const loadThumbhash = () => (thumbhash ??= import("/static/vendor/thumbhash.js").catch(() => null));

  async function paintPlaceholder(element) {
    const hash = element.dataset.th;
    const image = element.querySelector("img");
    if (!hash || (image?.complete && image.naturalWidth)) return;
    const module = await loadThumbhash();
    if (!module) return;
    try {
      const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
      element.style.backgroundImage = `url("${module.thumbHashToDataURL(bytes)}")`;
    } catch {}
  }

  // Once the thumbnail is there, its placeholder goes (it would show around transparent images).
  document.addEventListener(
    "load",
    (event) => {
      const tile = event.target instanceof HTMLImageElement ? event.target.closest(".tile, .memory") : null;
      if (!tile) return;
      tile.style.backgroundImage = "";
      event.target.classList.remove("is-waiting");
    },
    true,
  );

  const placeholders = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        placeholders.unobserve(entry.target);
        paintPlaceholder(entry.target);
      }
    },
    { rootMargin: "800px 0px" },
  );

  // ---- Months: sized from their counts until loaded, loaded as they come near -----------------

  const cssNumber = (element, name, fallback) =>
    parseFloat(getComputedStyle(element).getPropertyValue(name)) || fallback;

  // A month's height before it is loaded, from its count: rows of tiles (days start new rows
  // unless they are small) and the days' titles.
  function estimateSize(count) {
    const timeline = root()?.querySelector(".timeline");
    if (!timeline) return { height: 0 };
    const cols = cssNumber(root(), "--cols", 4);
    const gap = cssNumber(root(), "--gap", 2);
    const tile = (timeline.clientWidth - (cols - 1) * gap) / cols;
    if (count <= cols) return { height: Math.round(tile + 45), width: Math.round(count * (tile + gap)) };
    const days = Math.min(31, Math.max(1, Math.round(count / 6)));
    const rows = Math.ceil(count / cols) + days * 0.5;
    return { height: Math.round(rows * (tile + gap) + Math.min(days, rows) * 45) };
  }

  function sizePending(scope) {
    for (const body of scope.querySelectorAll(".month-body.is-pending")) {
      // The rest of a crowded month is what its count says, less what is shown already.
      const section = body.closest(".month");
      const shown = section?.querySelectorAll(".tile").length ?? 0;
      const { height, width } = estimateSize(Math.max(1, Number(section?.dataset.count || 1) - shown));
      body.style.height = `${height}px`;
      body.style.maxWidth = width ? `${width}px` : "";
    }
  }

  const loadTimers = new WeakMap();
  const months = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const body = entry.target;
        clearTimeout(loadTimers.get(body));
        if (!entry.isIntersecting) continue;
        // A short wait, so that flying past with the scrubber loads nothing on the way.
        loadTimers.set(
          body,
          setTimeout(() => {
            months.unobserve(body);
            if (!body.isConnected || !window.htmx) return;
            window.htmx.process(body);
            window.htmx.trigger(body, "load-month");
          }, 120),
        );
      }
    },
    { rootMargin: "1200px 0px" },
  );

  // Where a month was before it loaded, to keep what is on screen in place when it grows above.
  const anchors = new WeakMap();

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!(target instanceof Element) || !target.matches(".month-body.is-pending")) return;
    // A session that ended answers with the sign-in page: show it whole.
    const url = event.detail.xhr?.responseURL ?? "";
    if (url && !new URL(url).pathname.startsWith("/timeline/months/")) {
      event.detail.shouldSwap = false;
      location.reload();
      return;
    }
    const section = target.closest(".month");
    const rect = section.getBoundingClientRect();
    anchors.set(section, { top: rect.top, height: rect.height });
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const element = event.target;
    if (!(element instanceof Element)) return;
    // A month arrives as its body; the rest of a crowded month as days inside the body.
    const body = element.closest(".month-body");
    if (body) {
      const section = body.closest(".month");
      const anchor = anchors.get(section);
      anchors.delete(section);
      if (anchor && anchor.top < viewTop())
        window.scrollBy({ top: section.getBoundingClientRect().height - anchor.height, behavior: "instant" });
      enhance(body);
      scheduleScrubber();
    } else if (element.id === "timeline-root") {
      setUp();
      updateSelection();
    }
  });

  // A month that failed to load is tried again when it next comes near.
  for (const name of ["htmx:responseError", "htmx:sendError"]) {
    document.addEventListener(name, (event) => {
      const element = event.detail.elt;
      if (element instanceof Element && element.matches(".month-body.is-pending"))
        setTimeout(() => months.observe(element), 3000);
    });
  }

  function jumpToMonth(month) {
    const section = document.getElementById(`month-${month}`);
    if (section)
      window.scrollTo({ top: section.getBoundingClientRect().top + window.scrollY - viewTop(), behavior: "instant" });
  }

  // ---- Tiles ----------------------------------------------------------------------------------

  const tileId = (tile) => new URL(tile.href, location.href).pathname.split("/")[2] ?? "";
  const tilesOf = (ids) => {
    const wanted = new Set(ids);
    return [...(root()?.querySelectorAll(".tile") ?? [])].filter((tile) => wanted.has(tileId(tile)));
  };

  function enhance(scope) {
    for (const tile of scope.querySelectorAll(".tile")) {
      if (tile.querySelector(".tile-check")) continue;
      const check = document.createElement("span");
      check.className = "tile-check";
      check.setAttribute("aria-hidden", "true");
      check.title = "Select";
      tile.prepend(check);
      if (tile.dataset.th) placeholders.observe(tile);
    }
    for (const memory of scope.querySelectorAll(".memory[data-th]")) placeholders.observe(memory);
    for (const title of scope.querySelectorAll(".day-title")) {
      if (title.querySelector(".day-check")) continue;
      const check = document.createElement("button");
      check.type = "button";
      check.className = "day-check";
      check.tabIndex = -1;
      check.setAttribute("aria-pressed", "false");
      check.setAttribute("aria-label", `Select ${title.textContent}`);
      check.title = "Select the day";
      title.append(check);
    }
    sizePending(scope);
    for (const body of scope.querySelectorAll(".month-body.is-pending")) months.observe(body);
  }

  // ---- Selection ------------------------------------------------------------------------------

  const bar = document.querySelector("[data-selection-bar]");
  const countText = document.querySelector("[data-selection-count]");
  const selectedTiles = () => [...(root()?.querySelectorAll(".tile.is-selected") ?? [])];
  let lastTile;

  function select(tile, on) {
    tile.classList.toggle("is-selected", on);
    const alt = tile.querySelector("img")?.alt ?? "";
    if (on) tile.setAttribute("aria-label", `${alt} (selected)`);
    else tile.removeAttribute("aria-label");
  }

  function selectRange(from, to) {
    const tiles = [...root().querySelectorAll(".tile")];
    const [a, b] = [tiles.indexOf(from), tiles.indexOf(to)].sort((x, y) => x - y);
    if (a < 0) return select(to, !to.classList.contains("is-selected"));
    for (const tile of tiles.slice(a, b + 1)) select(tile, true);
  }

  function clearSelection() {
    for (const tile of selectedTiles()) select(tile, false);
    lastTile = undefined;
    updateSelection();
  }

  function updateSelection() {
    const tiles = selectedTiles();
    const current = root();
    current?.classList.toggle("is-selecting", tiles.length > 0);
    if (!bar) return;
    bar.hidden = tiles.length === 0;
    countText.textContent = `${tiles.length} selected`;
    const favorite = bar.querySelector('[data-action="favorite"]');
    if (favorite) {
      const owned = tiles.filter((tile) => !tile.classList.contains("is-partner"));
      const all = owned.length > 0 && owned.every((tile) => tile.classList.contains("is-fav"));
      favorite.dataset.value = String(!all);
      favorite.querySelector(".selection-action-label").textContent = all ? "Unfavorite" : "Favorite";
      favorite.title = all ? "Remove from favorites" : "Add to favorites";
    }
    for (const check of current?.querySelectorAll(".day-check") ?? []) {
      const dayTiles = [...check.closest(".day").querySelectorAll(".tile")];
      check.setAttribute(
        "aria-pressed",
        String(dayTiles.length > 0 && dayTiles.every((tile) => tile.classList.contains("is-selected"))),
      );
    }
  }

  // A long press starts selecting on touch screens.
  let press;
  let suppressClick = false;
  document.addEventListener("pointerdown", (event) => {
    const tile = event.target.closest?.(".tile");
    if (!tile || event.pointerType === "mouse" || !root()?.contains(tile)) return;
    press = {
      x: event.clientX,
      y: event.clientY,
      timer: setTimeout(() => {
        select(tile, !tile.classList.contains("is-selected"));
        lastTile = tile;
        suppressClick = true;
        updateSelection();
        navigator.vibrate?.(15);
      }, 450),
    };
  });
  const endPress = (event) => {
    if (!press) return;
    if (event.type === "pointermove" && Math.hypot(event.clientX - press.x, event.clientY - press.y) < 10) return;
    clearTimeout(press.timer);
    press = undefined;
  };
  for (const name of ["pointerup", "pointercancel", "pointermove"]) document.addEventListener(name, endPress);
  document.addEventListener("contextmenu", (event) => {
    if (event.target.closest?.(".tile") && (suppressClick || press)) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element) || !root()?.contains(target)) return;
    const dayCheck = target.closest(".day-check");
    if (dayCheck) {
      const tiles = [...dayCheck.closest(".day").querySelectorAll(".tile")];
      const all = tiles.every((tile) => tile.classList.contains("is-selected"));
      for (const tile of tiles) select(tile, !all);
      updateSelection();
      return;
    }
    const tile = target.closest(".tile");
    if (!tile) return;
    if (suppressClick) {
      suppressClick = false;
      event.preventDefault();
      return;
    }
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.altKey) return;
    const onCheck = Boolean(target.closest(".tile-check"));
    const selecting = selectedTiles().length > 0;
    // Enter on a focused tile opens it, selecting or not (Space selects).
    if (!onCheck && !event.shiftKey && (!selecting || event.detail === 0)) return;
    event.preventDefault();
    if (event.shiftKey && lastTile?.isConnected) selectRange(lastTile, tile);
    else select(tile, !tile.classList.contains("is-selected"));
    lastTile = tile;
    updateSelection();
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const tile = event.target instanceof Element ? event.target.closest(".tile") : null;
    if (event.key === " " && tile && root()?.contains(tile)) {
      event.preventDefault();
      if (event.shiftKey && lastTile?.isConnected) selectRange(lastTile, tile);
      else select(tile, !tile.classList.contains("is-selected"));
      lastTile = tile;
      updateSelection();
    } else if (event.key === "Escape" && selectedTiles().length && !document.querySelector("dialog[open]")) {
      event.preventDefault();
      clearSelection();
    }
  });

  // ---- Actions --------------------------------------------------------------------------------

  const toast = document.querySelector("[data-toast]");
  let toastTimer;
  function say(text, isError = false) {
    if (!toast) return;
    toast.textContent = text;
    toast.classList.toggle("is-error", isError);
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.hidden = true), isError ? 8000 : 4000);
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { "content-type": "application/json", "x-csrf-token": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new Error(answer.message || `The server answered ${response.status}.`);
    }
    return response;
  }

  const items = (n) => `${n} ${n === 1 ? "item" : "items"}`;

  // Takes tiles off the page, and the days and months they leave empty.
  function removeTiles(tiles) {
    for (const tile of tiles) {
      const day = tile.closest(".day");
      const month = tile.closest(".month");
      tile.remove();
      if (day && !day.querySelector(".tile")) day.remove();
      if (month && !month.querySelector(".tile, .is-pending")) month.remove();
    }
    const current = root();
    if (current && !current.querySelector(".tile, .is-pending")) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = "Nothing here any more.";
      current.querySelector(".timeline, .recent-grid")?.replaceWith(empty);
      current.querySelector("[data-scrubber]")?.remove();
    }
    scheduleScrubber();
  }

  // Partners' photos can be looked at, added to albums and downloaded, not changed.
  function ownedOf(tiles) {
    const owned = tiles.filter((tile) => !tile.classList.contains("is-partner"));
    const skipped = tiles.length - owned.length;
    return { owned, ids: owned.map(tileId), note: skipped ? ` (${items(skipped)} of partners left as they are)` : "" };
  }

  const actions = {
    async favorite(tiles, button) {
      const { owned, ids, note } = ownedOf(tiles);
      if (!ids.length) return say("Only your own photos can be favorites.", true);
      const isFavorite = button.dataset.value !== "false";
      await api("PUT", "/api/assets", { ids, isFavorite });
      for (const tile of owned) tile.classList.toggle("is-fav", isFavorite);
      if (!isFavorite && view() === "favorites") removeTiles(owned);
      say(`${isFavorite ? "Added" : "Removed"} ${items(ids.length)} ${isFavorite ? "to" : "from"} favorites${note}`);
    },
    async archive(tiles) {
      const { owned, ids, note } = ownedOf(tiles);
      if (!ids.length) return say("Only your own photos can be archived.", true);
      await api("PUT", "/api/assets", { ids, visibility: "archive" });
      if (view() === "timeline") removeTiles(owned);
      say(`Archived ${items(ids.length)}${note}`);
    },
    async unarchive(tiles) {
      const { owned, ids } = ownedOf(tiles);
      await api("PUT", "/api/assets", { ids, visibility: "timeline" });
      removeTiles(owned);
      say(`Moved ${items(ids.length)} back to the timeline`);
    },
    async trash(tiles) {
      const { owned, ids, note } = ownedOf(tiles);
      if (!ids.length) return say("Only your own photos can be deleted.", true);
      await api("DELETE", "/api/assets", { ids });
      removeTiles(owned);
      say(`Moved ${items(ids.length)} to the trash${note}`);
    },
    async restore(tiles) {
      const ids = tiles.map(tileId);
      const { count } = await (await api("POST", "/api/trash/restore/assets", { ids })).json();
      removeTiles(tiles);
      say(`Restored ${items(count ?? ids.length)}`);
    },
    async "delete-forever"(tiles) {
      if (!window.confirm(`Delete ${items(tiles.length)} for good? This cannot be undone.`)) return false;
      const ids = tiles.map(tileId);
      await api("DELETE", "/api/assets", { ids, force: true });
      removeTiles(tiles);
      say(`Deleted ${items(ids.length)} for good`);
    },
    async download(tiles) {
      say(`Preparing a zip of ${items(tiles.length)}…`);
      const response = await api("POST", "/api/download/archive", { assetIds: tiles.map(tileId) });
      const name = response.headers.get("content-disposition")?.match(/filename="([^"]+)"/)?.[1] ?? "shoebox.zip";
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      say(`Downloaded ${items(tiles.length)}`);
      return false;
    },
    async album(tiles) {
      openAlbumDialog(tiles.map(tileId));
      return false;
    },
  };

  bar?.addEventListener("click", async (event) => {
    const button = event.target.closest?.("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "clear") return clearSelection();
    const tiles = selectedTiles();
    if (!tiles.length || !actions[action]) return;
    const buttons = bar.querySelectorAll("[data-action]");
    buttons.forEach((b) => (b.disabled = true));
    try {
      // Actions that leave the selection as it was answer false.
      if ((await actions[action](tiles, button)) !== false) clearSelection();
    } catch (error) {
      say(error.message || "That did not work.", true);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      updateSelection();
    }
  });

  // ---- Add to album ---------------------------------------------------------------------------

  const dialog = document.querySelector("[data-album-dialog]");
  let albumIds = [];

  async function openAlbumDialog(ids) {
    if (!dialog) return;
    albumIds = ids;
    const list = dialog.querySelector("[data-album-list]");
    const status = dialog.querySelector("[data-album-status]");
    list.replaceChildren();
    status.hidden = false;
    status.textContent = "Loading your albums…";
    dialog.showModal();
    try {
      const albums = await (await api("GET", "/api/albums")).json();
      const writable = albums.filter(
        (album) =>
          album.ownerId === userId() || album.albumUsers.some((m) => m.user.id === userId() && m.role === "editor"),
      );
      status.hidden = writable.length > 0;
      status.textContent = "No albums yet: create one above.";
      for (const album of writable) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "album-choice";
        button.dataset.albumId = album.id;
        button.dataset.albumName = album.albumName;
        let cover;
        if (album.albumThumbnailAssetId) {
          cover = document.createElement("img");
          cover.src = `/api/assets/${album.albumThumbnailAssetId}/thumbnail`;
          cover.alt = "";
          cover.loading = "lazy";
        } else {
          cover = document.createElement("span");
          cover.className = "album-choice-cover";
        }
        const text = document.createElement("span");
        const name = document.createElement("span");
        name.className = "album-choice-name";
        name.textContent = album.albumName;
        const count = document.createElement("span");
        count.className = "album-choice-count";
        count.textContent =
          items(album.assetCount) + (album.ownerId === userId() ? "" : ` · shared by ${album.owner.name}`);
        text.append(name, count);
        button.append(cover, text);
        item.append(button);
        list.append(item);
      }
    } catch (error) {
      status.textContent = error.message;
    }
  }

  dialog?.querySelector("[data-album-list]").addEventListener("click", async (event) => {
    const button = event.target.closest?.("[data-album-id]");
    if (!button) return;
    button.disabled = true;
    try {
      const results = await (
        await api("PUT", `/api/albums/${button.dataset.albumId}/assets`, { ids: albumIds })
      ).json();
      const added = results.filter((r) => r.success).length;
      const already = results.filter((r) => r.error === "duplicate").length;
      dialog.close();
      clearSelection();
      say(`Added ${items(added)} to “${button.dataset.albumName}”${already ? ` (${already} already there)` : ""}`);
    } catch (error) {
      say(error.message, true);
    } finally {
      button.disabled = false;
    }
  });

  dialog?.querySelector("[data-album-new]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const albumName = form.elements.albumName.value.trim();
    if (!albumName) return;
    try {
      await api("POST", "/api/albums", { albumName, assetIds: albumIds });
      dialog.close();
      form.reset();
      clearSelection();
      say(`Created “${albumName}” with ${items(albumIds.length)}`);
    } catch (error) {
      say(error.message, true);
    }
  });

  // ---- The trash's own buttons ----------------------------------------------------------------

  document.addEventListener("click", async (event) => {
    const button = event.target.closest?.("[data-trash-action]");
    if (!button) return;
    const empty = button.dataset.trashAction === "empty";
    if (empty && !window.confirm("Delete everything in the trash for good? This cannot be undone.")) return;
    button.disabled = true;
    try {
      const { count } = await (await api("POST", empty ? "/api/trash/empty" : "/api/trash/restore")).json();
      say(empty ? `Deleted ${items(count)} for good` : `Restored ${items(count)}`);
      refresh();
    } catch (error) {
      say(error.message, true);
      button.disabled = false;
    }
  });

  // ---- Uploads --------------------------------------------------------------------------------

  const panel = document.querySelector("[data-upload-panel]");
  const overlay = document.querySelector("[data-drop-overlay]");
  const queue = [];
  let active = 0;
  let batch;
  const parallel = 3;

  function resetBatch() {
    batch = { items: [], done: 0, added: 0, duplicates: 0, failed: 0 };
    panel.querySelector("[data-upload-files]").replaceChildren();
  }

  function addFiles(files) {
    if (!panel || !files.length) return;
    if (!batch || (active === 0 && queue.length === 0)) resetBatch();
    panel.hidden = false;
    panel.querySelector("[data-upload-close]").hidden = true;
    const list = panel.querySelector("[data-upload-files]");
    for (const file of files) {
      const row = document.createElement("li");
      row.className = "upload-file";
      const line = document.createElement("div");
      line.className = "upload-file-line";
      const name = document.createElement("span");
      name.className = "upload-file-name";
      name.textContent = file.name;
      name.title = file.name;
      const status = document.createElement("span");
      status.className = "upload-file-status";
      status.textContent = "Waiting";
      const progress = document.createElement("progress");
      progress.max = 1;
      progress.value = 0;
      line.append(name, status);
      row.append(line, progress);
      list.append(row);
      const item = { file, row, status, progress, loaded: 0 };
      batch.items.push(item);
      queue.push(item);
    }
    renderBatch();
    pump();
  }

  function renderBatch() {
    const total = batch.items.reduce((sum, item) => sum + item.file.size, 0) || 1;
    const loaded = batch.items.reduce((sum, item) => sum + item.loaded, 0);
    panel.querySelector("[data-upload-total]").value = loaded / total;
    const count = batch.items.length;
    const title = panel.querySelector("[data-upload-title]");
    if (batch.done < count) {
      title.textContent = `Uploading ${Math.min(batch.done + 1, count)} of ${count}`;
    } else {
      const parts = [];
      if (batch.added) parts.push(`${batch.added} added`);
      if (batch.duplicates) parts.push(`${batch.duplicates} already in your library`);
      if (batch.failed) parts.push(`${batch.failed} failed`);
      title.textContent = parts.join(" · ");
    }
  }

  function pump() {
    while (active < parallel && queue.length) {
      const item = queue.shift();
      active++;
      upload(item).then(() => {
        active--;
        batch.done++;
        renderBatch();
        if (active === 0 && queue.length === 0) finished();
        else pump();
      });
    }
  }

  function upload(item) {
    return new Promise((resolve) => {
      const { file } = item;
      const modified = new Date(file.lastModified || Date.now()).toISOString();
      const body = new FormData();
      body.set("deviceAssetId", `web-${file.name}-${file.size}-${file.lastModified}`);
      body.set("deviceId", "web");
      body.set("fileCreatedAt", modified);
      body.set("fileModifiedAt", modified);
      body.set("assetData", file, file.name);
      const request = new XMLHttpRequest();
      request.open("POST", "/api/assets");
      request.setRequestHeader("x-csrf-token", csrf());
      request.responseType = "json";
      item.status.textContent = "Uploading";
      request.upload.addEventListener("progress", (event) => {
        item.loaded = event.lengthComputable ? (event.loaded / event.total) * file.size : 0;
        item.progress.value = event.lengthComputable ? event.loaded / event.total : 0;
        renderBatch();
      });
      const done = (text, outcome) => {
        item.loaded = file.size;
        item.status.textContent = text;
        item.row.classList.add("is-done");
        item.row.classList.toggle("is-failed", outcome === "failed");
        batch[outcome === "added" ? "added" : outcome === "duplicate" ? "duplicates" : "failed"]++;
        resolve();
      };
      request.addEventListener("load", () => {
        const answer = request.response ?? {};
        if (request.status === 201) done("Added", "added");
        else if (request.status === 200 && answer.status === "duplicate") done("Already in your library", "duplicate");
        else done(answer.message || `Failed (${request.status})`, "failed");
      });
      request.addEventListener("error", () => done("Failed: the connection was lost", "failed"));
      request.addEventListener("abort", () => done("Cancelled", "failed"));
      request.send(body);
    });
  }

  function finished() {
    panel.querySelector("[data-upload-close]").hidden = false;
    // The worker reads each new file's date taken in a moment: the timeline shows them in place after it.
    if (batch.added) setTimeout(refresh, 2000);
    if (!batch.failed) {
      const finishedBatch = batch;
      setTimeout(() => {
        if (batch === finishedBatch && active === 0 && queue.length === 0) panel.hidden = true;
      }, 8000);
    }
  }

  function setUpUploads() {
    const button = document.querySelector("[data-upload-button]");
    const input = document.querySelector("[data-upload-input]");
    if (!panel || !button || !input || button.dataset.ready) return;
    button.dataset.ready = "true";
    button.hidden = false;
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      addFiles([...input.files]);
      input.value = "";
    });
  }

  panel?.querySelector("[data-upload-close]").addEventListener("click", () => (panel.hidden = true));

  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  let dragDepth = 0;
  if (panel && overlay) {
    document.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth++;
      overlay.hidden = false;
    });
    document.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    document.addEventListener("dragleave", (event) => {
      if (!hasFiles(event)) return;
      dragDepth = Math.max(0, dragDepth - 1);
      if (dragDepth === 0) overlay.hidden = true;
    });
    document.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth = 0;
      overlay.hidden = true;
      addFiles([...event.dataTransfer.files]);
    });
  }

  // The page's content anew (after uploads, or emptying the trash), without reloading the page.
  function refresh() {
    if (!window.htmx) return location.reload();
    window.htmx.ajax("GET", location.pathname + location.search, {
      target: "#timeline-root",
      select: "#timeline-root",
      swap: "outerHTML",
    });
  }

  // ---- The scrubber ---------------------------------------------------------------------------

  let scrubberFrame = 0;
  function scheduleScrubber() {
    cancelAnimationFrame(scrubberFrame);
    scrubberFrame = requestAnimationFrame(layoutScrubber);
  }

  const pageTop = (element) => element.getBoundingClientRect().top + window.scrollY;

  // Each year gets a share of the scrubber as large as its share of the page.
  function layoutScrubber() {
    const scrubber = root()?.querySelector("[data-scrubber]");
    if (!scrubber) return;
    const heights = new Map();
    for (const section of root().querySelectorAll(".month")) heights.set(section.dataset.month, section.offsetHeight);
    for (const year of scrubber.querySelectorAll(".scrubber-year")) {
      const height = year.dataset.months.split(" ").reduce((sum, month) => sum + (heights.get(month) ?? 0), 0);
      year.style.flexGrow = String(height);
      year.hidden = height === 0;
    }
    placeThumb();
    labelYears(scrubber);
  }

  // Labels that would overlap the one above are left out (still there for the keyboard).
  function labelYears(scrubber) {
    let lastBottom = -Infinity;
    for (const year of scrubber.querySelectorAll(".scrubber-year:not([hidden])")) {
      const top = year.getBoundingClientRect().top;
      const crowded = top < lastBottom;
      year.classList.toggle("is-crowded", crowded);
      if (!crowded) lastBottom = top + 16;
    }
  }

  function scrubberGeometry() {
    const scrubber = root()?.querySelector("[data-scrubber]");
    const timeline = root()?.querySelector(".timeline");
    if (!scrubber || !timeline) return undefined;
    const track = scrubber.querySelector(".scrubber-track").getBoundingClientRect();
    return { scrubber, timeline, track, top: pageTop(timeline), height: timeline.offsetHeight };
  }

  // The scrubber runs from under the header, or from the top of the photos while the page's
  // heading and the sections are in view.
  let scrubberTop = 0;
  function placeScrubber(scrubber) {
    const top = Math.round(Math.max(viewTop(), root().getBoundingClientRect().top));
    if (top === scrubberTop) return;
    const moved = Math.abs(top - scrubberTop) > 24;
    scrubberTop = top;
    scrubber.style.top = `${top}px`;
    if (moved) labelYears(scrubber);
  }

  function placeThumb() {
    const scrubber = root()?.querySelector("[data-scrubber]");
    if (scrubber) placeScrubber(scrubber);
    const g = scrubberGeometry();
    if (!g) return;
    const fraction = Math.min(1, Math.max(0, (window.scrollY + viewTop() - g.top) / Math.max(1, g.height)));
    const scrubberTop = g.scrubber.getBoundingClientRect().top;
    g.scrubber.querySelector(".scrubber-thumb").style.top =
      `${g.track.top - scrubberTop + fraction * g.track.height}px`;
  }

  function monthAt(y) {
    let found;
    for (const section of root().querySelectorAll(".month")) {
      if (pageTop(section) > y) break;
      found = section;
    }
    return found;
  }

  let scrubbing;
  function scrubTo(clientY) {
    const g = scrubberGeometry();
    if (!g) return;
    const fraction = Math.min(1, Math.max(0, (clientY - g.track.top) / g.track.height));
    const y = g.top + fraction * g.height;
    window.scrollTo({ top: y - viewTop(), behavior: "instant" });
    const bubble = g.scrubber.querySelector(".scrubber-bubble");
    const section = monthAt(y + 1);
    bubble.textContent = section?.querySelector(".month-title")?.textContent ?? "";
    bubble.style.top = `${clientY - g.scrubber.getBoundingClientRect().top}px`;
    bubble.hidden = !bubble.textContent;
  }

  function setUpScrubber() {
    const scrubber = root()?.querySelector("[data-scrubber]");
    if (!scrubber || scrubber.dataset.ready) return;
    scrubber.dataset.ready = "true";
    scrubberTop = -1;
    scrubber.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      scrubbing = event.pointerId;
      scrubber.setPointerCapture(event.pointerId);
      scrubTo(event.clientY);
    });
    scrubber.addEventListener("pointermove", (event) => {
      if (scrubbing === event.pointerId) scrubTo(event.clientY);
    });
    const stop = (event) => {
      if (scrubbing !== event.pointerId) return;
      scrubbing = undefined;
      setTimeout(() => (scrubber.querySelector(".scrubber-bubble").hidden = true), 600);
    };
    scrubber.addEventListener("pointerup", stop);
    scrubber.addEventListener("pointercancel", stop);
    // Year links: the pointer scrubs; the keyboard jumps to the year's newest month.
    scrubber.addEventListener("click", (event) => {
      const link = event.target.closest?.("a[data-month]");
      if (!link) return;
      event.preventDefault();
      if (event.detail === 0) jumpToMonth(link.dataset.month);
    });
  }

  window.addEventListener("scroll", () => requestAnimationFrame(placeThumb), { passive: true });

  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const current = root();
      if (current) sizePending(current);
      scheduleScrubber();
    }, 150);
  });

  // ---- Changes made in the viewer, when the browser brings this page back from its cache -------

  // Back from the viewer, the page comes from the back/forward cache or from the HTTP cache: both
  // show it as it was when left.
  window.addEventListener("pageshow", (event) => {
    const raw = sessionStorage.getItem(changesKey);
    sessionStorage.removeItem(changesKey);
    const back = event.persisted || performance.getEntriesByType("navigation")[0]?.type === "back_forward";
    if (!back || !raw) return;
    let changes = [];
    try {
      changes = JSON.parse(raw);
    } catch {}
    if (changes.some((change) => change.changed)) return refresh();
    for (const change of changes) {
      const tiles = tilesOf([change.id]);
      if (change.removed) removeTiles(tiles);
      else if (typeof change.favorite === "boolean") {
        for (const tile of tiles) tile.classList.toggle("is-fav", change.favorite);
        if (!change.favorite && view() === "favorites") removeTiles(tiles);
      }
    }
  });

  // ---- Start ------------------------------------------------------------------------------------

  function setUp() {
    const current = root();
    if (!current) return;
    for (const button of current.querySelectorAll("[data-trash-action]")) button.hidden = false;
    enhance(current);
    setUpScrubber();
    setUpUploads();
    scheduleScrubber();
  }

  setUp();
  const navigation = performance.getEntriesByType("navigation")[0];
  const start = root().dataset.start;
  if (start && navigation?.type !== "back_forward" && navigation?.type !== "reload") jumpToMonth(start);
})();
