// Preloaded into Azurite (node --import): when the harness that started it dies without stopping it
// (SIGKILL), the child is re-parented and exits too instead of running on.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
