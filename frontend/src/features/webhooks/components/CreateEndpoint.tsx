import { useId, useRef } from "react";

import { buttonClass } from "../../brief/components/Field";
import type { Notice } from "../../admin/components/ui";
import { useCreateEndpoint } from "../api/endpoints";
import type { WebhookScope } from "../scope";
import { EMPTY_ENDPOINT, inListOrder } from "../validation";
import { EndpointForm } from "./EndpointForm";
import { SecretBox } from "./SecretBox";

/**
 * Adding an endpoint. The answer carries its signing secret: it takes the form's place until
 * the user says it is stored, so it cannot scroll by unnoticed.
 */
export function CreateEndpoint({ scope, onNotice }: { scope: WebhookScope; onNotice: (notice: Notice) => void }) {
  const headingId = useId();
  const create = useCreateEndpoint(scope);
  // The answer, with the secret, until the user says it is stored (reset() forgets it).
  const created = create.data;
  const headingRef = useRef<HTMLHeadingElement>(null);

  const done = () => {
    create.reset();
    headingRef.current?.focus();
  };

  return (
    <section aria-labelledby={headingId} className="space-y-4 rounded-lg bg-white p-4 shadow">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-lg font-semibold focus:outline-none">
        Add an endpoint
      </h2>
      {created !== undefined ? (
        <div className="space-y-3">
          <SecretBox label={`Signing secret of ${created.url}`} secret={created.secret} focusOnShow>
            <p>
              <strong>Store it now</strong> in the receiver's configuration: it verifies the{" "}
              <code>webhook-signature</code> header of every message. This page will not show it again; an admin can
              reveal it later from the endpoint, and each viewing is recorded in the audit log.
            </p>
          </SecretBox>
          <button type="button" onClick={done} className={buttonClass}>
            I have stored the secret
          </button>
        </div>
      ) : (
        <EndpointForm
          label="Add an endpoint"
          initial={EMPTY_ENDPOINT}
          submitLabel="Add endpoint"
          busyLabel="Adding…"
          failure="Could not add the endpoint"
          onSubmit={async (values) => {
            onNotice(null);
            const endpoint = await create.mutateAsync({ ...values, events: inListOrder(values.events) });
            onNotice({ kind: "status", text: `Added ${endpoint.url}. Copy its signing secret now.` });
          }}
        />
      )}
    </section>
  );
}
