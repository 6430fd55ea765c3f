import { LoadFailed } from "../../../components/LoadFailed";
import { usePreferences } from "../api/preferences";
import { PreferencesForm } from "./PreferencesForm";

/** Route: /settings/notifications — which mail each signed-in user receives. */
export default function NotificationPreferencesPage() {
  const preferences = usePreferences();
  return (
    <section aria-labelledby="notifications-heading" className="max-w-2xl space-y-6">
      <div className="space-y-2">
        <h1 id="notifications-heading" className="text-2xl font-semibold">
          Notification settings
        </h1>
        <p className="text-slate-700">
          Choose which e-mail Courzly sends you. Every optional message also carries a link to turn it off.
        </p>
      </div>
      {preferences.isPending ? (
        <p role="status" className="text-slate-600">
          Loading your settings…
        </p>
      ) : preferences.isError ? (
        <LoadFailed what="your notification settings" error={preferences.error} onRetry={() => void preferences.refetch()} />
      ) : (
        <PreferencesForm preferences={preferences.data} />
      )}
    </section>
  );
}
