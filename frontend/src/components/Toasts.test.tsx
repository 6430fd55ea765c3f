import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ToastProvider, useToast } from "./Toasts";

let notify: ReturnType<typeof useToast> = () => undefined;
function Capture() {
  notify = useToast();
  return null;
}

function renderToasts() {
  render(
    <ToastProvider>
      <Capture />
    </ToastProvider>,
  );
  return screen.getByRole("region", { name: "Notifications" });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("toasts", () => {
  it("announces notices politely, shows one of each at a time, and at most four", () => {
    const region = renderToasts();
    expect(region).toHaveAttribute("aria-live", "polite");
    act(() => {
      notify("Waits for review");
      notify("Waits for review");
      for (const n of [1, 2, 3, 4]) notify(`Export ${n} is ready`, "success");
    });
    expect(region.querySelectorAll("p")).toHaveLength(4);
    expect(region).toHaveTextContent("Export 1");
    expect(region).not.toHaveTextContent("Waits for review");
  });

  it("goes away by itself or when dismissed", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const region = renderToasts();
    act(() => {
      notify("First");
      notify("Second", "error");
    });
    await userEvent.click(screen.getAllByRole("button", { name: "Dismiss notification" })[0]!);
    expect(region).not.toHaveTextContent("First");
    await act(() => vi.advanceTimersByTimeAsync(8000));
    expect(region).not.toHaveTextContent("Second");
  });
});
