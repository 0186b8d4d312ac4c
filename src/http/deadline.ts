export const DEADLINE_PASSED = Symbol("deadline passed");

/** The execution's result, or DEADLINE_PASSED at the deadline (epoch ms), whichever comes first. */
export async function answerByDeadline<T>(execution: Promise<T>, deadline: number): Promise<T | typeof DEADLINE_PASSED> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<typeof DEADLINE_PASSED>((resolve) => (timer = setTimeout(() => resolve(DEADLINE_PASSED), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([execution, passed]);
  } finally {
    clearTimeout(timer);
  }
}
