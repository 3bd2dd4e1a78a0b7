import { ApiReference } from "@scalar/nextjs-api-reference";

export const GET = ApiReference({
  url: "/api/v1/openapi.json",
  cdn: "/docs/api/standalone.js",
  pageTitle: "Disburse API reference",
  defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
  hideClientButton: false,
  theme: "default",
});
