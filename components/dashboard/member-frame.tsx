"use client";

import { createContext, useContext } from "react";
import type { Mode } from "@/db/schema";

type Frame = { organisationId: string; mode: Mode } | null;

const MemberFrameContext = createContext<Frame>(null);

/** The organisation and mode a dashboard page was rendered for, for its forms to send back. */
export function MemberFrame({
  value,
  children,
}: {
  value: NonNullable<Frame>;
  children: React.ReactNode;
}) {
  return <MemberFrameContext.Provider value={value}>{children}</MemberFrameContext.Provider>;
}

export function useMemberFrame(): Frame {
  return useContext(MemberFrameContext);
}
