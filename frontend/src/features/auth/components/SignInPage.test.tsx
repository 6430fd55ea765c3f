import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, fakeApi, json, tokenPair, user, type Handler } from "../../../test/fakeApi";
import { renderApp } from "../../../test/render";
import { validateCredentials } from "./SignInPage";

const LOGIN = "/api/v1/auth/login";

function backend(login: Handler): Handler {
  return (request, url) => {
    if (url.pathname === LOGIN) return login(request, url);
    if (url.pathname === "/api/v1/auth/me") return json(user("editor"));
    if (url.pathname === "/api/v1/courses") return json({ items: [], page: 1, page_size: 20, total: 0 });
    return apiError(404, "not_found", "Not found.");
  };
}

async function fillAndSubmit(email: string, password: string) {
  const person = userEvent.setup();
  if (email) await person.type(await screen.findByLabelText("E-mail"), email);
  if (password) await person.type(screen.getByLabelText("Password"), password);
  await person.click(await screen.findByRole("button", { name: "Sign in" }));
}

describe("sign-in page", () => {
  it("shows what is missing and sends nothing", async () => {
    const api = fakeApi(backend(() => json(tokenPair(1))));
    renderApp(api.session, "/sign-in");

    await fillAndSubmit("", "");

    expect(screen.getByText("Enter your e-mail address.")).toBeInTheDocument();
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    const email = screen.getByLabelText("E-mail");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter your e-mail address.");
    expect(email).toHaveFocus();
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it("rejects an address without @ before asking the server", () => {
    expect(validateCredentials("ada.example.com", "x").email).toMatch(/e-mail address like/);
    expect(validateCredentials(" ada@example.com ", "x")).toEqual({});
  });

  it("shows the server's message when the credentials are wrong", async () => {
    const api = fakeApi(backend(() => apiError(401, "invalid_credentials", "Wrong e-mail or password.")));
    renderApp(api.session, "/sign-in");

    await fillAndSubmit("ada@example.com", "wrong");

    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong e-mail or password.");
    expect(api.tokens.access).toBeNull();
    expect(api.requestsTo(LOGIN)).toHaveLength(1);
  });

  it("shows the server's message when throttled", async () => {
    const api = fakeApi(backend(() => apiError(429, "too_many_requests", "Too many attempts; try again later.")));
    renderApp(api.session, "/sign-in");

    await fillAndSubmit("ada@example.com", "secret");

    expect(await screen.findByRole("alert")).toHaveTextContent("Too many attempts; try again later.");
  });

  it("signs in, keeps the tokens and goes back to where the guard came from", async () => {
    const api = fakeApi(backend(async (request) => {
      expect(await request.json()).toEqual({ email: "ada@example.com", password: "secret" });
      return json(tokenPair(1));
    }));
    const { router } = renderApp(api.session, "/courses?status=draft");

    // The guard sent us to sign in first.
    await waitFor(() => expect(router.state.location.pathname).toBe("/sign-in"));
    await fillAndSubmit("ada@example.com", "secret");

    await waitFor(() => expect(router.state.location.pathname).toBe("/courses"));
    expect(router.state.location.search).toBe("?status=draft");
    expect(await screen.findByRole("heading", { name: "Courses" })).toBeInTheDocument();
    expect(api.tokens.access).toBe("access-1");
    expect(window.sessionStorage.getItem("courzly.refresh_token")).toBe("refresh-1-0123456789");
  });

  it("is usable with the keyboard alone", async () => {
    const api = fakeApi(backend(() => json(tokenPair(1))));
    const { router } = renderApp(api.session, "/sign-in");
    const person = userEvent.setup();
    await screen.findByLabelText("E-mail");

    await person.tab();
    expect(screen.getByLabelText("E-mail")).toHaveFocus();
    await person.keyboard("ada@example.com");
    await person.tab();
    expect(screen.getByLabelText("Password")).toHaveFocus();
    await person.keyboard("secret{Enter}");

    await waitFor(() => expect(router.state.location.pathname).toBe("/courses"));
  });
});
