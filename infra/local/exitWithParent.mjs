// Preloaded (`node --import`) into the local stack's child processes: when the launcher dies
// without stopping them (SIGKILL, a crash), the child is re-parented, and then it exits too,
// instead of holding its port or sending demo traffic forever. The launcher passes its pid,
// since it may already be gone by the time this runs. Plain JavaScript, so that it loads
// before any TypeScript loader.
const launcher = Number(process.env.SIGHTLINE_LAUNCHER_PID) || process.ppid;
// Workers this process forks inherit the preload (execArgv) and this environment; without
// the variable they watch their own parent instead of the launcher.
delete process.env.SIGHTLINE_LAUNCHER_PID;
const exitIfOrphaned = () => {
  if (process.ppid !== launcher) process.exit(0);
};
exitIfOrphaned();
setInterval(exitIfOrphaned, 1_000).unref();
