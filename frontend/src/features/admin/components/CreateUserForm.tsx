import { useId, useRef, useState, type FormEvent } from "react";

import { errorMessage, isApiError } from "../../../api/errors";
import { buttonClass, Field, inputClass, primaryButtonClass } from "../../brief/components/Field";
import { fieldMessages } from "../api/errors";
import { useCreateUser, type User } from "../api/users";
import { isRole } from "../permissions";
import {
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SERVER_FIELDS,
  validateNewUser,
  type NewUserErrors,
  type NewUserForm,
} from "../validation";
import { RoleOptions } from "./RoleOptions";

const EMPTY: NewUserForm = { email: "", displayName: "", role: "", password: "" };

const FIELD_ORDER: (keyof NewUserErrors)[] = ["email", "displayName", "role", "password"];

export function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [form, setForm] = useState<NewUserForm>(EMPTY);
  const [errors, setErrors] = useState<NewUserErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateUser();
  const base = useId();
  const ids = { email: `${base}-email`, displayName: `${base}-name`, role: `${base}-role`, password: `${base}-password` };
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends keyof NewUserForm>(key: K, value: NewUserForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const focusFirstError = (found: NewUserErrors) => {
    const first = FIELD_ORDER.find((key) => found[key] !== undefined);
    if (first !== undefined) formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(ids[first])}`)?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const found = validateNewUser(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    create.mutate(
      {
        email: form.email.trim(),
        display_name: form.displayName.trim(),
        password: form.password,
        role: form.role === "" ? null : form.role,
      },
      {
        onSuccess: (user) => {
          setForm(EMPTY);
          setErrors({});
          onCreated(user);
        },
        onError: (error) => {
          if (isApiError(error, 422)) {
            const mapped: NewUserErrors = {};
            for (const [name, message] of Object.entries(fieldMessages(error.fields))) {
              const key = SERVER_FIELDS[name];
              if (key !== undefined) mapped[key] = message;
            }
            setErrors(mapped);
            if (Object.keys(mapped).length > 0) focusFirstError(mapped);
            else setFormError(error.message);
          } else if (isApiError(error, 409, "email_taken")) {
            const mapped = { email: error.message };
            setErrors(mapped);
            focusFirstError(mapped);
          } else {
            setFormError(`Could not create the user: ${errorMessage(error)}`);
          }
        },
      },
    );
  };

  return (
    <section aria-labelledby={`${base}-heading`} className="space-y-4 rounded-lg bg-white p-4 shadow">
      <h2 id={`${base}-heading`} className="text-lg font-semibold">
        Create user
      </h2>
      <form ref={formRef} noValidate onSubmit={submit} className="grid gap-4 sm:grid-cols-2" aria-labelledby={`${base}-heading`}>
        <Field id={ids.email} label="E-mail" error={errors.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="off"
              maxLength={EMAIL_MAX_LENGTH}
              value={form.email}
              onChange={(e) => set("email", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        <Field id={ids.displayName} label="Display name" error={errors.displayName}>
          {(control) => (
            <input
              {...control}
              type="text"
              maxLength={NAME_MAX_LENGTH}
              value={form.displayName}
              onChange={(e) => set("displayName", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        <Field id={ids.role} label="Global role" error={errors.role}>
          {(control) => (
            <select
              {...control}
              value={form.role}
              onChange={(e) => set("role", isRole(e.target.value) ? e.target.value : "")}
              className={inputClass}
            >
              <RoleOptions />
            </select>
          )}
        </Field>
        <Field
          id={ids.password}
          label="Initial password"
          hint={`${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, taken exactly as typed.`}
          error={errors.password}
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => set("password", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        {formError !== null && (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-red-800 sm:col-span-2">
            {formError}
          </p>
        )}
        <div className="flex gap-2 sm:col-span-2">
          <button type="submit" disabled={create.isPending} className={primaryButtonClass}>
            {create.isPending ? "Creating…" : "Create user"}
          </button>
          <button
            type="button"
            className={buttonClass}
            onClick={() => {
              setForm(EMPTY);
              setErrors({});
              setFormError(null);
            }}
          >
            Clear form
          </button>
        </div>
      </form>
    </section>
  );
}
