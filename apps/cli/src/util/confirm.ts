import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal. Returns false without asking when
 * stdin is not a terminal (CI, pipes): destructive commands then need `--yes`.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
