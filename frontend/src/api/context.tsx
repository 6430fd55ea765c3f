import { createContext, useContext, type ReactNode } from "react";

import type { ApiSession } from "./client";

const ApiContext = createContext<ApiSession | null>(null);

export function ApiProvider({ session, children }: { session: ApiSession; children: ReactNode }) {
  return <ApiContext.Provider value={session}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiSession {
  const session = useContext(ApiContext);
  if (session === null) throw new Error("useApi() needs an <ApiProvider> above it");
  return session;
}
