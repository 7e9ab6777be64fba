export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} m ${((ms % 60_000) / 1000).toFixed(1)} s`;
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
