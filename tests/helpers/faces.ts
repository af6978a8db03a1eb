// Who is in each photo of ../shared/media/faces, left to right (from ../shared/media/manifest.tsv:
// "person A (Obama)", "person B (Biden)", "persons A+B in crowd scene" with a girl on the right).
export const peopleInFacePhotos: Record<string, string[]> = {
  "skimage-astronaut-eileen-collins.png": ["collins"],
  "immich/portrait.jpg": ["immich-portrait"],
  "immich/portrait-orientation-6.jpg": ["immich-portrait"],
  "face_recognition/biden.jpg": ["biden"],
  "face_recognition/biden2.jpg": ["biden"],
  "face_recognition/obama.jpg": ["obama"],
  "face_recognition/obama1.jpg": ["obama"],
  "face_recognition/obama2.jpg": ["obama"],
  "face_recognition/obama-32bit-rgba.png": ["obama"],
  "face_recognition/obama3.jpg": ["obama"],
  "face_recognition/obama_small.jpg": ["obama"],
  "face_recognition/obama_partial_face.jpg": ["obama"],
  "face_recognition/two_people.jpg": ["obama", "biden"],
  "face_recognition/obama_and_biden.jpg": ["biden", "obama", "girl"],
};

// The same photo stored twice (rotated, or as an RGBA PNG): they count for detection, not for
// matching one face against another.
export const faceCopies = new Set(["immich/portrait-orientation-6.jpg", "face_recognition/obama-32bit-rgba.png"]);
