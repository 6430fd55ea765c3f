import { DriveReturnNotice } from "./DriveReturnNotice";
import { DriveSettings } from "./DriveSettings";

/** Route: /settings/integrations — the signed-in user's connections to other services. */
export default function IntegrationsPage() {
  return (
    <section aria-labelledby="integrations-heading" className="max-w-3xl space-y-6">
      <div className="space-y-2">
        <h1 id="integrations-heading" className="text-2xl font-semibold">
          Integrations
        </h1>
        <p className="text-slate-700">Connect the services Courzly sends your course exports to.</p>
      </div>
      <DriveReturnNotice />
      <DriveSettings />
    </section>
  );
}
