import { codePointLength } from "../../lib/text";
import type { Role } from "../auth/permissions";

/** Limits from src/api/openapi.json / app/core/schemas.py (Name, NewPassword, EmailInput). */
export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 200;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export interface NewUserForm {
  email: string;
  displayName: string;
  role: Role | "";
  password: string;
}

export type NewUserErrors = Partial<Record<"email" | "displayName" | "role" | "password", string>>;

/** Server field name -> form field name. */
export const SERVER_FIELDS: Record<string, keyof NewUserErrors> = {
  email: "email",
  display_name: "displayName",
  role: "role",
  password: "password",
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function validateNewUser(form: NewUserForm): NewUserErrors {
  const errors: NewUserErrors = {};
  const email = form.email.trim();
  if (email === "") errors.email = "Enter an e-mail address.";
  else if (codePointLength(email) > EMAIL_MAX_LENGTH) errors.email = `At most ${EMAIL_MAX_LENGTH} characters.`;
  else if (!EMAIL.test(email)) errors.email = "Enter an e-mail address like name@example.com.";

  if (form.displayName.trim() === "") errors.displayName = "Enter a display name.";
  else if (/[\r\n]/.test(form.displayName)) errors.displayName = "Use a single line.";
  else if (codePointLength(form.displayName) > NAME_MAX_LENGTH) errors.displayName = `At most ${NAME_MAX_LENGTH} characters.`;

  const password = codePointLength(form.password);
  if (password < PASSWORD_MIN_LENGTH) errors.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  else if (password > PASSWORD_MAX_LENGTH) errors.password = `At most ${PASSWORD_MAX_LENGTH} characters.`;
  return errors;
}
