import { useEffect, useState } from "react";
import { createBrowserRouter, RouterProvider } from "react-router-dom";

import type { ApiSession } from "../api/client";
import { AppProviders, createQueryClient } from "./providers";
import { providerFuture, routerFuture, routes } from "./routes";

export function App({ session }: { session: ApiSession }) {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes, { future: routerFuture }));
  useEffect(() => session.startRenewalTimer(), [session]);
  return (
    <AppProviders session={session} queryClient={queryClient}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>
  );
}
