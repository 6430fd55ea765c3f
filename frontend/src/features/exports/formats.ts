/** What the export formats are called on screen. The server's list decides which are offered. */
export interface FormatInfo {
  label: string;
  description: string;
}

// In the order they are offered; a format the server adds later still shows, by its raw name.
export const FORMAT_INFO: Readonly<Record<string, FormatInfo>> = {
  json: {
    label: "Course JSON (re-importable)",
    description: "The complete course as one file that can be imported again as a new course.",
  },
  markdown: {
    label: "Markdown",
    description: "A zip with the course outline and one Markdown file per lesson, with images.",
  },
  html: {
    label: "HTML",
    description: "One self-contained web page with every lesson, ready to print.",
  },
  pdf: {
    label: "PDF",
    description: "A printable book with title page, contents, lessons and quizzes with answers.",
  },
  docx: {
    label: "Word (DOCX)",
    description: "A Word document with a heading per module and lesson, quizzes after each module.",
  },
  epub: {
    label: "EPUB 3",
    description: "An e-book with a chapter per lesson and a quiz chapter per module.",
  },
  scorm12: {
    label: "SCORM 1.2",
    description: "An LMS package: one SCO per lesson and a scored quiz per module (pass mark 80%).",
  },
  scorm2004: {
    label: "SCORM 2004 4th Edition",
    description: "An LMS package whose modules unlock in order as each one is completed.",
  },
  cmi5: {
    label: "cmi5",
    description: "An xAPI course package for LMSs that speak cmi5, with an AU per lesson and quiz.",
  },
  imscc: {
    label: "IMS Common Cartridge 1.3",
    description: "Lessons as web content and quizzes as QTI assessments the LMS scores itself.",
  },
};

const KNOWN_ORDER = Object.keys(FORMAT_INFO);

function isKnown(name: string): boolean {
  return Object.hasOwn(FORMAT_INFO, name);
}

export function formatLabel(name: string): string {
  return isKnown(name) ? FORMAT_INFO[name]!.label : name;
}

export function formatDescription(name: string): string | null {
  return isKnown(name) ? FORMAT_INFO[name]!.description : null;
}

/** Known formats in catalogue order, then unknown ones as the server listed them. */
export function orderFormats(names: readonly string[]): string[] {
  const unique = [...new Set(names)];
  const known = KNOWN_ORDER.filter((name) => unique.includes(name));
  return [...known, ...unique.filter((name) => !isKnown(name))];
}
