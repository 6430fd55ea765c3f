import { useRef, useState } from "react";

import { formatDateTime } from "../../../lib/format";
import { buttonClass } from "../../brief/components/Field";
import { useRevealSecret, useRotateSecret, type EndpointSecret } from "../api/secrets";
import type { WebhookScope } from "../scope";
import { describeWebhookError } from "../messages";
import { RotateSecretForm } from "./RotateSecretForm";
import { SecretBox } from "./SecretBox";

type Shown = { kind: "revealed" | "rotated"; secret: EndpointSecret } | null;

interface SecretPanelProps {
  scope: WebhookScope;
  endpointId: string;
  describedBy: string;
}

function RotatedNote({ validUntil }: { validUntil: string | null | undefined }) {
  return (
    <p>
      <strong>Store it now</strong> and give it to the receivers.{" "}
      {validUntil != null
        ? `Until ${formatDateTime(validUntil)} every message is signed with both the previous and the new secret; switch receivers before then.`
        : "The previous secret no longer signs anything: receivers reject messages until they have this one."}
    </p>
  );
}

/** The signing secret: reveal it (audited) or rotate it with an overlap. */
export function SecretPanel({ scope, endpointId, describedBy }: SecretPanelProps) {
  const reveal = useRevealSecret(scope);
  const rotate = useRotateSecret(scope);
  const [shown, setShown] = useState<Shown>(null);
  const [rotating, setRotating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rotateButton = useRef<HTMLButtonElement>(null);

  const onReveal = () => {
    setError(null);
    reveal.mutate(endpointId, {
      onSuccess: (secret) => setShown({ kind: "revealed", secret }),
      onError: (e) => setError(describeWebhookError(e, "Could not reveal the secret")),
    });
  };

  const onRotate = (keepPreviousHours: number) => {
    setError(null);
    rotate.mutate(
      { endpointId, keepPreviousHours },
      {
        onSuccess: (secret) => {
          setRotating(false);
          setShown({ kind: "rotated", secret });
        },
        onError: (e) => setError(describeWebhookError(e, "Could not rotate the secret")),
      },
    );
  };

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {shown?.kind === "revealed" ? (
          <button type="button" aria-describedby={describedBy} onClick={() => setShown(null)} className={buttonClass}>
            Hide secret
          </button>
        ) : (
          <button type="button" disabled={reveal.isPending} aria-describedby={describedBy} onClick={onReveal} className={buttonClass}>
            {reveal.isPending ? "Revealing…" : "Reveal secret"}
          </button>
        )}
        <button
          ref={rotateButton}
          type="button"
          aria-expanded={rotating}
          aria-describedby={describedBy}
          onClick={() => setRotating(!rotating)}
          className={buttonClass}
        >
          Rotate secret…
        </button>
        <span className="text-xs text-slate-600">Each viewing of a secret is recorded in the audit log.</span>
      </div>
      {error !== null && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}
      {rotating && (
        <RotateSecretForm
          busy={rotate.isPending}
          onRotate={onRotate}
          onCancel={() => {
            setRotating(false);
            rotateButton.current?.focus();
          }}
        />
      )}
      {shown !== null &&
        (shown.kind === "revealed" ? (
          <SecretBox label="Signing secret" secret={shown.secret.secret} focusOnShow>
            <p>Your viewing has been recorded in the audit log. Give the secret only to the receiver's verifier.</p>
            {shown.secret.previous_secret_valid_until != null && (
              <p>The previous secret also signs messages until {formatDateTime(shown.secret.previous_secret_valid_until)}.</p>
            )}
          </SecretBox>
        ) : (
          <div className="space-y-2">
            <SecretBox label="New signing secret" secret={shown.secret.secret} focusOnShow>
              <RotatedNote validUntil={shown.secret.previous_secret_valid_until} />
            </SecretBox>
            <button
              type="button"
              onClick={() => {
                setShown(null);
                rotateButton.current?.focus();
              }}
              className={buttonClass}
            >
              I have stored the new secret
            </button>
          </div>
        ))}
    </div>
  );
}
