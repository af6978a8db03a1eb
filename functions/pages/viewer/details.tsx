// The viewer's details panel: when and where a photo was taken, with what, who is in it, and the
// owner's forms to change its date and place.
import type { Asset, Exif } from "../../../common/schema";
import { fixedZone, formatOffset, offsetOf } from "../../../common/time-zones";
import { dateTakenOf } from "../../../common/assets";
import type { Viewer } from "../../middleware/pages";
import { personName } from "../people";
import { CsrfField, formatBytes, formatDuration, FormError } from "../layout";
import { contextParams, withParams } from "./links";
import type { ViewerData } from "./page";

const takenFormat = new Intl.DateTimeFormat("en", {
  weekday: "short",
  year: "numeric",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});
export const timeFormat = new Intl.DateTimeFormat("en", { hour: "numeric", minute: "2-digit", timeZone: "UTC" });

// Every offset in use on Earth is a multiple of 15 minutes from -12:00 to +14:00.
const fixedZones = Array.from({ length: (26 * 60) / 15 + 1 }, (_, i) => fixedZone(formatOffset(-12 * 60 + i * 15)));

// The zone a photo was taken in, as the details show it: "Europe/Rome (UTC+02:00)", "UTC+09:00";
// nothing when it is not known.
function zoneLabel(asset: Asset, exif: Exif | null): string | undefined {
  const zone = exif?.timeZone;
  if (!zone) return undefined;
  const offset = fixedZone(offsetOf(dateTakenOf(asset, exif)));
  return zone === offset ? zone : `${zone} (${offset})`;
}

// The form's choice of zones: the photo's own first (or "Not known"), then the fixed offsets.
function zoneOptions(exif: Exif | null): Array<{ value: string; label: string }> {
  const own = exif?.timeZone ?? "";
  const first =
    own === "" ? [{ value: "", label: "Not known" }] : fixedZones.includes(own) ? [] : [{ value: own, label: own }];
  return [...first, ...fixedZones.map((zone) => ({ value: zone, label: zone }))];
}

function cameraName(make: string | null, model: string | null): string | null {
  if (!make || !model) return model ?? make;
  const brand = make.split(" ")[0] ?? make;
  return model.toLowerCase().startsWith(brand.toLowerCase()) ? model : `${make} ${model}`;
}

function formatCoordinate(value: number, positive: string, negative: string): string {
  return `${Math.abs(value).toFixed(5)}° ${value < 0 ? negative : positive}`;
}

function InfoRow({ label, children }: { label: string; children: unknown }) {
  return (
    <div class="pv-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function Details({ data, viewer }: { data: ViewerData; viewer: Viewer }) {
  const { asset, exif, context } = data;
  const action = (what: string) =>
    withParams(`/photos/${asset.id}/${what}`, [...contextParams(context), ["info", "1"]]);
  const camera = exif && cameraName(exif.make, exif.model);
  const exposure = exif
    ? [
        exif.fNumber && `ƒ/${exif.fNumber}`,
        exif.exposureTime && `${exif.exposureTime} s`,
        exif.focalLength && `${exif.focalLength} mm`,
        exif.iso && `ISO ${exif.iso}`,
      ].filter(Boolean)
    : [];
  const width = asset.width ?? exif?.exifImageWidth;
  const height = asset.height ?? exif?.exifImageHeight;
  const place = exif ? [exif.city, exif.state, exif.country].filter(Boolean).join(", ") : "";
  const hasCoordinates = exif?.latitude != null && exif?.longitude != null;
  const zone = zoneLabel(asset, exif);
  return (
    <aside class="pv-info" id="pv-info" aria-labelledby="pv-info-title" hidden={!data.info} data-info>
      <h2 id="pv-info-title">Details</h2>
      <FormError message={data.error} />
      <dl class="pv-details">
        <InfoRow label="Taken">
          {`${takenFormat.format(asset.localDateTime)}, ${timeFormat.format(asset.localDateTime)}`}
          {zone && <span class="muted">{` ${zone}`}</span>}
        </InfoRow>
        {camera && <InfoRow label="Camera">{camera}</InfoRow>}
        {exif?.lensModel && <InfoRow label="Lens">{exif.lensModel}</InfoRow>}
        {exposure.length > 0 && <InfoRow label="Exposure">{exposure.join(" · ")}</InfoRow>}
        {asset.type === "VIDEO" && asset.duration && (
          <InfoRow label="Duration">{formatDuration(asset.duration)}</InfoRow>
        )}
        {asset.isOffline && (
          <InfoRow label="Offline">
            The file is gone from its library folder: the original cannot be opened until it is back.
          </InfoRow>
        )}
        <InfoRow label="File">
          <span class="pv-file-name">{asset.originalFileName}</span>
          <span class="muted">
            {[
              formatBytes(asset.fileSizeInByte, { decimal: true }),
              width && height ? `${width} × ${height}` : "",
              width && height ? `${((width * height) / 1e6).toFixed(1)} MP` : "",
            ]
              .filter(Boolean)
              .join(" · ")}
          </span>
        </InfoRow>
        {(place || hasCoordinates) && (
          <InfoRow label="Place">
            {place && <span>{place}</span>}
            {hasCoordinates && (
              <span class="muted">{`${formatCoordinate(exif!.latitude!, "N", "S")}, ${formatCoordinate(exif!.longitude!, "E", "W")}`}</span>
            )}
          </InfoRow>
        )}
        {exif?.description && <InfoRow label="Description">{exif.description}</InfoRow>}
        {data.people.length > 0 && (
          <InfoRow label="People">
            <ul class="pv-people">
              {data.people.map((person) => (
                <li>
                  <a href={`/people/${person.id}`}>
                    <img src={`/api/people/${person.id}/thumbnail`} alt="" loading="lazy" width={56} height={56} />
                    <span>{personName(person)}</span>
                  </a>
                </li>
              ))}
            </ul>
          </InfoRow>
        )}
      </dl>
      {hasCoordinates && (
        <div
          class="mini-map"
          data-lat={String(exif!.latitude)}
          data-lon={String(exif!.longitude)}
          data-tile-url={data.tiles.url}
          data-tile-attribution={data.tiles.attribution}
          role="img"
          aria-label="Where it was taken"
        ></div>
      )}
      {data.owned && (
        <div class="pv-edits">
          <details class="pv-edit">
            <summary>Edit date and time</summary>
            <form method="post" action={action("date")} data-viewer-form>
              <CsrfField viewer={viewer} />
              <label for="pv-date">Date and time taken</label>
              <input
                id="pv-date"
                type="datetime-local"
                name="dateTime"
                step={1}
                required
                value={new Date(asset.localDateTime).toISOString().slice(0, 19)}
              />
              <label for="pv-zone">Time zone</label>
              <select id="pv-zone" name="timeZone">
                {zoneOptions(exif).map((option) => (
                  <option value={option.value} selected={option.value === (exif?.timeZone ?? "")}>
                    {option.label}
                  </option>
                ))}
              </select>
              <button type="submit" class="button">
                Save the date
              </button>
            </form>
          </details>
          <details class="pv-edit">
            <summary>{hasCoordinates ? "Edit place" : "Add a place"}</summary>
            <form method="post" action={action("place")} data-viewer-form>
              <CsrfField viewer={viewer} />
              <div class="pv-coordinates">
                <div>
                  <label for="pv-latitude">Latitude</label>
                  <input
                    id="pv-latitude"
                    type="number"
                    name="latitude"
                    step="any"
                    min={-90}
                    max={90}
                    required
                    value={hasCoordinates ? String(exif!.latitude) : undefined}
                    placeholder="48.8584"
                  />
                </div>
                <div>
                  <label for="pv-longitude">Longitude</label>
                  <input
                    id="pv-longitude"
                    type="number"
                    name="longitude"
                    step="any"
                    min={-180}
                    max={180}
                    required
                    value={hasCoordinates ? String(exif!.longitude) : undefined}
                    placeholder="2.2945"
                  />
                </div>
              </div>
              <button type="submit" class="button">
                Save the place
              </button>
            </form>
          </details>
        </div>
      )}
    </aside>
  );
}
