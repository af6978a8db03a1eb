// How durations are kept: as Immich's asset responses give them, "H:MM:SS.ffffff".
export function durationText(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = (seconds % 60).toFixed(6).padStart(9, "0");
  return `${hours}:${String(minutes).padStart(2, "0")}:${rest}`;
}

// The other way, in whole milliseconds (what Immich's sync stream sends); null for none or nonsense.
export function durationMilliseconds(text: string | null): number | null {
  if (!text) return null;
  const [hours = "0", minutes = "0", seconds = "0"] = text.split(":");
  const ms = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : null;
}
