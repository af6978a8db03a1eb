// How durations are kept: as Immich's asset responses give them, "H:MM:SS.ffffff".
export function durationText(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = (seconds % 60).toFixed(6).padStart(9, "0");
  return `${hours}:${String(minutes).padStart(2, "0")}:${rest}`;
}
