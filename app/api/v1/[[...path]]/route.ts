import { unknownEndpoint } from "@/lib/api/unrouted";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = unknownEndpoint();
