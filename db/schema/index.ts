export * from "./api-keys";
export * from "./auth";
export * from "./claims";
export * from "./columns";
export * from "./events";
export * from "./mail";
export * from "./organisations";
export * from "./payouts";
