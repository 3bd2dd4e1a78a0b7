// Preloaded (`node --require`) into Next.js by the launcher (scripts/tied-child.ts), which
// opens an IPC channel to it for this alone: the channel closes when the launcher dies,
// even by SIGKILL, and Next.js then stops as on a supervisor's SIGTERM instead of holding
// PORT and its database connections with nobody left to stop it. (The function worker
// does the same in scripts/worker.ts; the engine runs inside the launcher.)
process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
