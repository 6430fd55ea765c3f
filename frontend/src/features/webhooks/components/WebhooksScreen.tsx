import { useState } from "react";

import { isApiError } from "../../../api/errors";
import { LoadFailed } from "../../../components/LoadFailed";
import { NoticeArea, type Notice } from "../../admin/components/ui";
import { useEndpoints } from "../api/endpoints";
import type { WebhookScope } from "../scope";
import { CreateEndpoint } from "./CreateEndpoint";
import { EndpointCard } from "./EndpointCard";

/** The endpoints of one scope and the form to add one; the page around it says whose. */
export function WebhooksScreen({ scope }: { scope: WebhookScope }) {
  const endpoints = useEndpoints(scope);
  const [notice, setNotice] = useState<Notice>(null);

  return (
    <>
      <NoticeArea notice={notice} />
      <section aria-labelledby="endpoints-heading" className="space-y-3">
        <h2 id="endpoints-heading" className="text-xl font-semibold">
          Endpoints
        </h2>
        {endpoints.isPending ? (
          <p role="status" className="text-slate-600">
            Loading endpoints…
          </p>
        ) : endpoints.isError ? (
          isApiError(endpoints.error, 403) || isApiError(endpoints.error, 404) ? (
            <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
              These webhooks do not exist, or you may not manage them.
            </p>
          ) : (
            <LoadFailed what="the endpoints" error={endpoints.error} onRetry={() => void endpoints.refetch()} />
          )
        ) : endpoints.data.length === 0 ? (
          <p className="rounded-md bg-white p-8 text-center text-slate-600">No endpoints yet: add one below.</p>
        ) : (
          <ul className="space-y-4">
            {endpoints.data.map((endpoint) => (
              <li key={endpoint.id}>
                <EndpointCard scope={scope} endpoint={endpoint} onNotice={setNotice} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {!endpoints.isError && <CreateEndpoint scope={scope} onNotice={setNotice} />}
    </>
  );
}
