import { useId, useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { useSession, useSignIn } from "../api/auth";

interface FieldErrors {
  email?: string;
  password?: string;
}

// Deliberately loose: the server decides what an address is; this catches typos early.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export function validateCredentials(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (email.trim() === "") errors.email = "Enter your e-mail address.";
  else if (!EMAIL_SHAPE.test(email.trim())) errors.email = "Enter an e-mail address like name@example.com.";
  if (password === "") errors.password = "Enter your password.";
  return errors;
}

/** Where to go after signing in: back to the page the guard sent us from, if any. */
function returnPath(state: unknown): string {
  if (typeof state === "object" && state !== null && "from" in state) {
    const from = (state as { from: unknown }).from;
    if (typeof from === "string" && from.startsWith("/") && !from.startsWith("//")) return from;
  }
  return "/courses";
}

export default function SignInPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSession();
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const ids = { email: useId(), password: useId(), emailError: useId(), passwordError: useId() };
  const target = returnPath(location.state);

  if (session.status === "signed-in" && !signIn.isPending) return <Navigate to={target} replace />;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateCredentials(email, password);
    setErrors(found);
    if (found.email !== undefined || found.password !== undefined) {
      const first = found.email !== undefined ? ids.email : ids.password;
      document.getElementById(first)?.focus();
      return;
    }
    signIn.mutate(
      { email: email.trim(), password },
      { onSuccess: () => navigate(target, { replace: true }) },
    );
  }

  const inputClass =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 aria-[invalid=true]:border-red-600";

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-8 shadow">
        <h1 className="mb-6 text-2xl font-semibold">Sign in to Courzly</h1>
        {signIn.isError && (
          <div role="alert" className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
            {errorMessage(signIn.error)}
          </div>
        )}
        <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
          <div>
            <label htmlFor={ids.email} className="block text-sm font-medium">
              E-mail
            </label>
            <input
              id={ids.email}
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={errors.email !== undefined}
              aria-describedby={errors.email !== undefined ? ids.emailError : undefined}
              className={inputClass}
            />
            {errors.email !== undefined && (
              <p id={ids.emailError} className="mt-1 text-sm text-red-700">
                {errors.email}
              </p>
            )}
          </div>
          <div>
            <label htmlFor={ids.password} className="block text-sm font-medium">
              Password
            </label>
            <input
              id={ids.password}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={errors.password !== undefined}
              aria-describedby={errors.password !== undefined ? ids.passwordError : undefined}
              className={inputClass}
            />
            {errors.password !== undefined && (
              <p id={ids.passwordError} className="mt-1 text-sm text-red-700">
                {errors.password}
              </p>
            )}
          </div>
          <button
            type="submit"
            disabled={signIn.isPending}
            className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:opacity-60"
          >
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </div>
    </main>
  );
}
