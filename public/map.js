// The map page (functions/pages/map.tsx): Leaflet, vendored in /static/vendor/leaflet, shows the
// clusters /api/map/clusters gives for the view, and a panel lists the photos of the cluster one
// opens. The Content-Security-Policy allows no inline script or style: markers are elements made
// here, sized by Leaflet, and styled by map.css. Nothing is loaded from elsewhere but the tiles.
"use strict";

(() => {
  // As in common/map.ts: below pointZoom the server answers with cells of a grid at level
  // zoom - 1 (0 to 12), cells 360 / 2^(level + 3) degrees on a side; from pointZoom on, with photos.
  const deepestLevel = 12;
  const pointZoom = deepestLevel + 2;
  // Photos closer than this on screen share a marker (the server clusters only far views).
  const nearPixels = 44;
  const panelLimit = 500;
  const debounceMs = 200;
  // With no tile loaded this long, the tile server is taken to be out of reach.
  const tileTimeoutMs = 8000;

  const number = new Intl.NumberFormat("en");
  const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
  const photos = (n) => `${number.format(n)} photo${n === 1 ? "" : "s"}`;
  const clamp = (value, min, max) => Math.min(max, Math.max(min, value));

  function start() {
    const container = document.getElementById("map");
    const L = window.L;
    if (!container || !L) return;
    const form = document.querySelector(".map-filters");
    const status = document.querySelector(".map-status");
    const note = document.querySelector(".map-note");
    const body = document.querySelector(".map-body");
    const panel = document.querySelector(".map-panel");
    const panelTitle = panel.querySelector("h2");
    const panelCount = panel.querySelector(".map-panel-count");
    const panelGrid = panel.querySelector(".map-panel-grid");

    const map = L.map(container, {
      // One world, no copies: the boxes sent to the server stay within -180..180.
      maxBounds: [
        [-90, -180],
        [90, 180],
      ],
      maxBoundsViscosity: 1,
      minZoom: 1,
      maxZoom: 19,
      keyboard: true,
    });
    const markers = L.layerGroup().addTo(map);
    // The marker whose photos the panel shows, and the request for them.
    let openGroup;
    let panelRequest;

    const setStatus = (text) => (status.textContent = text);

    // Tiles, or a plain background with a graticule and a note saying why (which can be put away).
    const noteText = document.createElement("span");
    noteText.textContent = note.textContent.trim();
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "map-note-dismiss";
    dismiss.textContent = "×";
    dismiss.setAttribute("aria-label", "Dismiss this note");
    note.replaceChildren(noteText, dismiss);
    let noteDismissed = false;
    dismiss.addEventListener("click", () => {
      noteDismissed = true;
      note.hidden = true;
      container.focus({ preventScroll: true });
    });

    let graticule;
    function showPlain(message) {
      noteText.textContent = message;
      note.hidden = noteDismissed;
      if (graticule) return;
      container.classList.add("map-plain");
      graticule = L.layerGroup();
      const line = (points) =>
        graticule.addLayer(L.polyline(points, { className: "map-graticule", weight: 1, interactive: false }));
      for (let lon = -180; lon <= 180; lon += 30)
        line([
          [-85, lon],
          [85, lon],
        ]);
      for (let lat = -60; lat <= 60; lat += 30)
        line([
          [lat, -180],
          [lat, 180],
        ]);
      graticule.addTo(map);
    }

    function showTiles() {
      note.hidden = true;
      graticule?.remove();
      graticule = undefined;
      container.classList.remove("map-plain");
    }

    const tileUrl = container.dataset.tileUrl;
    if (tileUrl) {
      let loaded = 0;
      const unreachable = () => {
        const host = tileUrl
          .replace(/^https?:\/\//, "")
          .split("/")[0]
          .replace("{s}.", "");
        showPlain(`Map tiles from ${host} did not load; photos are on a plain background.`);
      };
      const tiles = L.tileLayer(tileUrl, {
        attribution: attribution(container.dataset.tileAttribution || ""),
        maxZoom: 19,
        noWrap: true,
        // Tile servers such as OpenStreetMap's want to know the site; the origin is enough.
        referrerPolicy: "strict-origin",
      });
      tiles.on("tileload", () => {
        if (!loaded++) showTiles();
      });
      tiles.on("tileerror", () => {
        if (!loaded) unreachable();
      });
      setTimeout(() => {
        if (!loaded) unreachable();
      }, tileTimeoutMs);
      tiles.addTo(map);
    } else {
      showPlain(noteText.textContent || "Map tiles are off on this server; photos are on a plain background.");
    }

    // The filters, as the API's query parameters.
    function filters() {
      const from = form.elements.from.value;
      const to = form.elements.to.value;
      const [fromYear, toYear] = from && to && Number(from) > Number(to) ? [to, from] : [from, to];
      const params = {};
      if (fromYear) params.fromYear = fromYear;
      if (toYear) params.toYear = toYear;
      if (form.elements.favorites.checked) params.isFavorite = "true";
      return params;
    }

    const query = (params) => new URLSearchParams({ ...params, ...filters() }).toString();

    function viewBox() {
      const bounds = map.getBounds();
      return {
        west: clamp(bounds.getWest(), -180, 180),
        south: clamp(bounds.getSouth(), -90, 90),
        east: clamp(bounds.getEast(), -180, 180),
        north: clamp(bounds.getNorth(), -90, 90),
      };
    }

    async function getJson(url, signal) {
      const response = await fetch(url, { signal, headers: { accept: "application/json" } });
      // The session ended: the page itself goes to the sign-in form.
      if (response.status === 401) window.location.reload();
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.message || `the server answered ${response.status}`);
      }
      return response.json();
    }

    // The box of the cell a far cluster stands for (its mean lies inside its cell).
    function cellBox(cluster, zoom) {
      const level = clamp(Math.floor(zoom) - 1, 0, deepestLevel);
      const size = 360 / 2 ** (level + 3);
      const x = Math.floor((cluster.longitude + 180) / size);
      const y = Math.floor((cluster.latitude + 90) / size);
      return { west: x * size - 180, south: y * size - 90, east: (x + 1) * size - 180, north: (y + 1) * size - 90 };
    }

    // Far away the server sends a cluster per cell; two whose circles would overlap (their means near
    // the border between their cells) become one, the bigger taking in the smaller. A marker keeps
    // the boxes of its cells.
    function farGroups(clusters, zoom) {
      const found = [];
      for (const c of [...clusters].sort((a, b) => b.count - a.count)) {
        const point = map.project([c.latitude, c.longitude], zoom);
        const radius = clusterSize(c.count) / 2;
        const near = found.find((g) => g.point.distanceTo(point) < (g.radius + radius) * 0.8);
        if (near) {
          near.latitudeSum += c.latitude * c.count;
          near.longitudeSum += c.longitude * c.count;
          near.count += c.count;
          near.radius = clusterSize(near.count) / 2;
          near.cells.push(cellBox(c, zoom));
        } else {
          found.push({
            point,
            radius,
            count: c.count,
            latitudeSum: c.latitude * c.count,
            longitudeSum: c.longitude * c.count,
            cells: [cellBox(c, zoom)],
          });
        }
      }
      return found.map((g) => ({
        count: g.count,
        latitude: g.latitudeSum / g.count,
        longitude: g.longitudeSum / g.count,
        cells: g.cells,
        assetIds: [],
        far: true,
      }));
    }

    const clusterSize = (count) => Math.round(34 + 9 * Math.log10(count));

    // Close up the server sends photos, newest first. Each starts a marker or joins the first one
    // near enough on screen (looked up in a grid of that size), so that none hide one another; the
    // marker knows its photos.
    function groups(clusters, zoom) {
      // Close up, a spot with more photos than a map can show apart still comes as grid cells.
      if (zoom < pointZoom || clusters.some((c) => !c.assetId)) return farGroups(clusters, zoom);
      const grid = new Map();
      const found = [];
      for (const c of clusters) {
        const point = map.project([c.latitude, c.longitude], zoom);
        const gx = Math.floor(point.x / nearPixels);
        const gy = Math.floor(point.y / nearPixels);
        let group;
        for (let dx = -1; dx <= 1 && !group; dx++) {
          for (let dy = -1; dy <= 1 && !group; dy++) {
            group = grid.get(`${gx + dx}:${gy + dy}`)?.find((g) => g.anchor.distanceTo(point) < nearPixels);
          }
        }
        if (!group) {
          group = { anchor: point, count: 0, latitudeSum: 0, longitudeSum: 0, assetIds: [], far: false };
          found.push(group);
          const key = `${gx}:${gy}`;
          grid.set(key, [...(grid.get(key) ?? []), group]);
        }
        group.count += c.count;
        group.latitudeSum += c.latitude;
        group.longitudeSum += c.longitude;
        group.assetIds.push(c.assetId);
      }
      return found.map((g) => ({
        count: g.count,
        latitude: g.latitudeSum / g.count,
        longitude: g.longitudeSum / g.count,
        assetIds: g.assetIds,
        far: false,
      }));
    }

    function thumbnail(assetId, alt = "") {
      const image = document.createElement("img");
      image.src = `/api/assets/${assetId}/thumbnail`;
      image.alt = alt;
      image.loading = "lazy";
      image.decoding = "async";
      return image;
    }

    function markerFor(group) {
      const element = document.createElement("span");
      let size;
      let label;
      if (group.assetIds.length) {
        // Photos close up: the newest one's thumbnail, with their number when there are more.
        size = 48;
        element.append(thumbnail(group.assetIds[0]));
        if (group.count > 1) {
          const badge = document.createElement("span");
          badge.className = "map-photo-count";
          badge.textContent = compact.format(group.count);
          element.append(badge);
        }
        label = group.count === 1 ? "A photo here: show it" : `${photos(group.count)} here: show them`;
      } else {
        size = clusterSize(group.count);
        element.textContent = compact.format(group.count);
        label = `${photos(group.count)} around here: zoom in and show them`;
      }
      const icon = L.divIcon({
        html: element,
        className: group.assetIds.length ? "map-photo" : "map-cluster",
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
      });
      const marker = L.marker([group.latitude, group.longitude], {
        icon,
        keyboard: true,
        title: label,
        zIndexOffset: group.count,
        riseOnHover: true,
      });
      marker.on("add", () => {
        const element = marker.getElement();
        element?.setAttribute("aria-label", label);
        // The photos in the panel are this marker's (drawn anew after a move).
        const shown = openGroup && !openGroup.far && group.assetIds.includes(openGroup.assetIds[0]);
        element?.classList.toggle("map-selected", Boolean(shown));
      });
      const open = () => {
        for (const other of container.querySelectorAll(".map-selected")) other.classList.remove("map-selected");
        marker.getElement()?.classList.add("map-selected");
        openPanel(group, { zoomIn: true });
      };
      marker.on("click", open);
      // Leaflet makes markers focusable buttons, but only a popup's opens with the keyboard.
      marker.on("keydown", ({ originalEvent: event }) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        open();
      });
      return marker;
    }

    // The clusters of the view, fetched anew a moment after the map stops moving; a request still
    // under way when the view changes again is dropped.
    let viewRequest;
    let viewTimer;
    let nothingAnywhere = false;
    function scheduleRefresh() {
      clearTimeout(viewTimer);
      viewTimer = setTimeout(refresh, debounceMs);
    }

    async function refresh() {
      viewRequest?.abort();
      const request = new AbortController();
      viewRequest = request;
      const zoom = map.getZoom();
      container.setAttribute("aria-busy", "true");
      try {
        const clusters = await getJson(`/api/map/clusters?${query({ zoom, ...viewBox() })}`, request.signal);
        if (request.signal.aborted) return;
        // Whoever was on a marker keeps the keyboard on the map when the markers are drawn anew.
        const hadFocus = container.querySelector(".leaflet-marker-pane")?.contains(document.activeElement);
        markers.clearLayers();
        for (const group of groups(clusters, zoom)) markers.addLayer(markerFor(group));
        if (hadFocus) container.focus();
        const total = clusters.reduce((sum, c) => sum + c.count, 0);
        setStatus(
          total
            ? `${photos(total)} in view`
            : nothingAnywhere && !Object.keys(filters()).length
              ? "None of your photos has a place yet"
              : "No photos in this area",
        );
      } catch (error) {
        if (request.signal.aborted) return;
        setStatus(`Could not load the photos on the map: ${error.message}`);
      } finally {
        if (viewRequest === request) container.removeAttribute("aria-busy");
      }
    }

    // The panel: the photos of one marker, newest first, each a link to its page. Far clusters
    // also bring the map to where their photos are.
    function showPhotos(ids) {
      panelGrid.replaceChildren(
        ...ids.map((id, index) => {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.className = "tile";
          link.href = `/photos/${id}`;
          link.append(thumbnail(id, `Photo ${index + 1} of ${ids.length}`));
          item.append(link);
          return item;
        }),
      );
    }

    // A close marker knows its photos; a far one asks for those in its cell, and with `zoomIn` the
    // map then goes to where they are.
    async function openPanel(group, { zoomIn = false } = {}) {
      openGroup = group;
      panelRequest?.abort();
      const request = new AbortController();
      panelRequest = request;
      panel.hidden = false;
      body.classList.add("map-panel-open");
      panelTitle.textContent = group.count === 1 ? "A photo here" : `${photos(group.count)} here`;
      panelCount.textContent = "Newest first.";
      panelGrid.replaceChildren();
      panel.focus({ preventScroll: true });
      if (!group.far) {
        showPhotos(group.assetIds);
        map.panInside([group.latitude, group.longitude], { padding: [32, 32] });
        return;
      }
      panelCount.textContent = "Loading…";
      try {
        // One request for the box around the marker's cells, less the photos of other cells in it.
        const { cells } = group;
        const box = {
          west: Math.min(...cells.map((c) => c.west)),
          south: Math.min(...cells.map((c) => c.south)),
          east: Math.max(...cells.map((c) => c.east)),
          north: Math.max(...cells.map((c) => c.north)),
        };
        const inCells = (p) =>
          cells.some(
            (c) => p.longitude >= c.west && p.longitude <= c.east && p.latitude >= c.south && p.latitude <= c.north,
          );
        const all = await getJson(`/api/map/assets?${query({ ...box, limit: panelLimit })}`, request.signal);
        if (request.signal.aborted) return;
        const found = all.filter(inCells);
        const truncated = all.length >= panelLimit;
        if (!truncated && found.length !== group.count)
          panelTitle.textContent = found.length === 1 ? "A photo here" : `${photos(found.length)} here`;
        panelCount.textContent = !found.length
          ? "None of them matches the filters."
          : truncated
            ? `The newest ${number.format(found.length)}; zoom in for the others.`
            : "Newest first.";
        showPhotos(found.map((point) => point.id));
        if (zoomIn && found.length) {
          // Clear of the note, when it shows.
          const top = note.hidden ? 0 : note.offsetTop + note.offsetHeight;
          map.fitBounds(L.latLngBounds(found.map((p) => [p.latitude, p.longitude])), {
            maxZoom: 16,
            paddingTopLeft: [48, 48 + top],
            paddingBottomRight: [48, 48],
          });
        }
      } catch (error) {
        if (request.signal.aborted) return;
        panelCount.textContent = `Could not load these photos: ${error.message}`;
      }
    }

    function closePanel({ focusMap = true } = {}) {
      panelRequest?.abort();
      openGroup = undefined;
      for (const marker of container.querySelectorAll(".map-selected")) marker.classList.remove("map-selected");
      panel.hidden = true;
      body.classList.remove("map-panel-open");
      if (focusMap) container.focus({ preventScroll: true });
    }

    panel.querySelector(".map-panel-close").addEventListener("click", () => closePanel());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden && !event.defaultPrevented) closePanel();
    });
    // The page ends with the map: it takes the window's height below where it starts.
    const app = container.closest(".map-app");
    const fit = () =>
      app.style.setProperty("--map-top", `${Math.max(0, app.getBoundingClientRect().top + window.scrollY)}px`);
    fit();
    new ResizeObserver(fit).observe(document.body);
    // The map follows its box's size: the panel opening or closing, the filters wrapping, a phone
    // turning.
    new ResizeObserver(() => map.invalidateSize({ debounceMoveend: true })).observe(container);

    // The view and the filters live in the address, for a reload or the way back from a photo.
    function remember() {
      const center = map.getCenter();
      const search = new URLSearchParams();
      if (form.elements.from.value) search.set("from", form.elements.from.value);
      if (form.elements.to.value) search.set("to", form.elements.to.value);
      if (form.elements.favorites.checked) search.set("favorites", "1");
      const hash = `#${map.getZoom()}/${center.lat.toFixed(5)}/${center.lng.toFixed(5)}`;
      history.replaceState(
        history.state,
        "",
        `${window.location.pathname}${search.toString() ? `?${search}` : ""}${hash}`,
      );
    }

    form.addEventListener("change", () => {
      remember();
      refresh();
      // A far cluster's photos are asked for anew; a close marker's may be gone with the filters.
      if (openGroup?.far) openPanel(openGroup);
      else if (openGroup) closePanel({ focusMap: false });
    });
    form.addEventListener("submit", (event) => event.preventDefault());

    map.on("moveend zoomend", () => {
      remember();
      scheduleRefresh();
    });

    // Where to start: the view in the address (#zoom/latitude/longitude), else one that holds every
    // photo. A view typed into the address later goes there too.
    function savedView() {
      const saved = window.location.hash.match(/^#(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/);
      if (!saved) return false;
      map.setView(
        [clamp(Number(saved[2]), -85, 85), clamp(Number(saved[3]), -180, 180)],
        clamp(Number(saved[1]), map.getMinZoom(), map.getMaxZoom()),
      );
      return true;
    }
    window.addEventListener("hashchange", savedView);
    if (savedView()) return;
    map.setView([20, 0], 2);
    const world = { zoom: 2, west: -180, south: -90, east: 180, north: 90 };
    let touched = false;
    for (const type of ["pointerdown", "wheel", "keydown"])
      container.addEventListener(type, () => (touched = true), { once: true });
    getJson(`/api/map/clusters?${query(world)}`)
      .then((clusters) => {
        // Whoever moved the map meanwhile keeps their view.
        if (touched) return;
        if (!clusters.length) {
          nothingAnywhere = !Object.keys(filters()).length;
          setStatus(
            nothingAnywhere ? "None of your photos has a place yet" : "No photos with a place match these filters",
          );
          return;
        }
        map.fitBounds(L.latLngBounds(clusters.map((c) => [c.latitude, c.longitude])), {
          maxZoom: 12,
          padding: [48, 48],
        });
      })
      .catch(() => {});
  }

  // The tile server's credit, as text; "OpenStreetMap" links to its copyright page.
  function attribution(text) {
    const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return escaped.replace("OpenStreetMap", '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>');
  }

  // Leaflet comes after this script in the page; both are deferred, so it is there once the
  // document is.
  if (window.L) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
