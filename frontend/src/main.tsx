import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { createApiSession } from "./api/client";
import { App } from "./app/App";
import "./index.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <App session={createApiSession()} />
  </StrictMode>,
);
