/** Sends the browser to a URL; the page takes it as a prop so tests can watch instead. */
export type NavigateToUrl = (url: string) => void;

export const assignLocation: NavigateToUrl = (url) => window.location.assign(url);
