// The one byte range of a Range header (what video players and resumable downloads send), for a file
// of `size` bytes: undefined when there is none to honour (absent, or several ranges), "invalid" when
// it cannot be satisfied (answered 416).
export function parseRange(
  header: string | null,
  size: number,
): { offset: number; length: number } | "invalid" | undefined {
  if (!header) return undefined;
  const match = header.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Math.min(Number(match[2]), size);
    return suffix === 0 ? "invalid" : { offset: size - suffix, length: suffix };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "invalid";
  return { offset: start, length: end - start + 1 };
}
