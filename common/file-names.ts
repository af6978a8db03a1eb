// File names that clients give, reduced to a safe base name before they are stored, so that no name
// can climb out of a folder when it is later used as a path (a zip's entries, an export, the storage
// template) or disguise itself on screen; and made portable where files are written out.

// Control characters, and the bidirectional overrides that make "gpj.exe" look like "exe.jpg".
const unsafe = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;
// What Windows refuses in a name, for files written where any system may read them.
const unportable = /[:*?"<>|]/g;
const encoder = new TextEncoder();

// At most `bytes` of UTF-8, cut between characters, keeping a short extension.
function fitted(name: string, bytes: number): string {
  if (encoder.encode(name).byteLength <= bytes) return name;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
  let out = "";
  let used = encoder.encode(extension).byteLength;
  for (const char of name.slice(0, name.length - extension.length)) {
    used += encoder.encode(char).byteLength;
    if (used > bytes) break;
    out += char;
  }
  return out + extension;
}

// The last part of a path, without control characters, without dots or spaces at either end (".."
// and hidden files are no names), at most 255 bytes; `fallback` when nothing is left.
export function safeFileName(name: string, fallback = "unnamed"): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(unsafe, "").replace(/^[\s.]+|[\s.]+$/g, "");
  return cleaned ? fitted(cleaned, 255) : fallback;
}

// A safe name every file system takes, for exports and zips (200 bytes leave room for " (2)").
export function portableFileName(name: string, fallback = "unnamed"): string {
  return fitted(safeFileName(name.replace(unportable, "_"), fallback), 200);
}

// Names written into one folder, or one zip, made portable and distinct: "IMG_1.jpg", "IMG_1 (2).jpg",
// compared without case, as the file systems of Windows and macOS do.
export function distinctFileNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((original) => {
    const portable = portableFileName(original);
    const dot = portable.lastIndexOf(".");
    const [stem, extension] = dot > 0 ? [portable.slice(0, dot), portable.slice(dot)] : [portable, ""];
    let name = portable;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${stem} (${n})${extension}`;
    taken.add(name.toLowerCase());
    return name;
  });
}
