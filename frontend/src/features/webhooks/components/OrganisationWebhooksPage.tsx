import { useCurrentUser } from "../../auth/api/auth";
import { canManageOrganisationWebhooks } from "../../auth/permissions";
import { ORGANISATION } from "../scope";
import { WebhooksScreen } from "./WebhooksScreen";

/** Route: /admin/webhooks — the organisation's endpoints, for global admins. */
export default function OrganisationWebhooksPage() {
  const me = useCurrentUser();
  return (
    <section aria-labelledby="webhooks-heading" className="space-y-6">
      <div className="space-y-2">
        <h1 id="webhooks-heading" className="text-2xl font-semibold">
          Webhooks
        </h1>
        <p className="max-w-3xl text-slate-700">
          Courzly sends a signed HTTP POST to each endpoint when one of its events happens in any course. Messages follow
          Standard Webhooks: receivers verify the <code>webhook-signature</code> header with the endpoint's secret. Course
          admins can add endpoints for a single course from the course page.
        </p>
      </div>
      {canManageOrganisationWebhooks(me?.role) ? (
        <WebhooksScreen scope={ORGANISATION} />
      ) : (
        <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
          Only administrators can manage the organisation's webhooks.
        </p>
      )}
    </section>
  );
}
