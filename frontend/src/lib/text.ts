/** Length in code points, as the server (Python) counts it, not in UTF-16 units. */
export function codePointLength(text: string): number {
  return [...text].length;
}
