import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { codeLocationFileSchema } from './schema';
import { type CodeLocationDefinition, InvalidCodeLocationError, normalizeDefinition } from './definition';

/**
 * Reads and validates a `gantry.yaml` (or a folder holding one).
 * Errors: InvalidCodeLocationError naming the file and each invalid field;
 * the fs error when the file cannot be read.
 */
export async function loadCodeLocation(fileOrDir: string): Promise<CodeLocationDefinition> {
  const file = fileOrDir.endsWith('.yaml') || fileOrDir.endsWith('.yml') ? fileOrDir : path.join(fileOrDir, 'gantry.yaml');
  const text = await readFile(file, 'utf8');
  return parseCodeLocation(text, file);
}

/** Parses gantry.yaml text; `file` locates relative paths and names the source in errors. */
export function parseCodeLocation(text: string, file: string): CodeLocationDefinition {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new InvalidCodeLocationError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = codeLocationFileSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidCodeLocationError(`${file}: ${details}`);
  }
  return normalizeDefinition(parsed.data, path.resolve(path.dirname(file), parsed.data.workingDirectory));
}
