/**
 * Opens Google's consent page as a full page load (Google sends the browser back to the API's
 * callback, which returns to /settings/integrations). A module of its own so tests can mock it.
 */
export function openAuthorizationPage(url: string): void {
  window.location.assign(url);
}
