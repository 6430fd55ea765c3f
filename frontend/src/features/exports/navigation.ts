/** Sends the browser to a URL; a module of its own so that tests can mock it and watch instead. */
export function assignLocation(url: string): void {
  window.location.assign(url);
}
