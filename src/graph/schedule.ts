/**
 * When a dispatch of one loader resolves several parents at slightly different moments (two `$batch`es
 * of one level returning a few milliseconds apart), their children land in different ticks and would
 * make several requests and round trips where one would do. Waiting a short window before dispatching
 * gathers them; it costs that window once per level, small next to Graph's tens of milliseconds.
 */
export const COALESCE_WINDOW_MS = 3;

export function coalesceWindow(dispatch: () => void): void {
  setTimeout(dispatch, COALESCE_WINDOW_MS);
}
