import {
  type CodeLocationDefinition,
  codeLocationFileSchema,
  definitionDigest,
  normalizeDefinition,
} from '@gantry/code-location';
import type { ReportCodeLocationsRequest__Output } from '@gantry/proto';
import { InvalidCodeLocationDefinitionError } from '../agents/agent-errors';

/** One code location of a ReportCodeLocations request, validated and normalized. */
export interface ReportedCodeLocation {
  deployment: string;
  name: string;
  definition: CodeLocationDefinition;
  /** SHA-256 of the canonical definition (see `definitionDigest`). */
  digest: string;
}

/** Most code locations one request may report. */
export const MAX_REPORTED_LOCATIONS = 200;

type WireLocation = ReportCodeLocationsRequest__Output['locations'][number];

/**
 * Validates every location of a request: `definition_json` must be JSON that
 * `codeLocationFileSchema` accepts and `normalizeDefinition` can normalize (no
 * duplicate keys, unknown deps or cycles); its name and deployment must agree
 * with the message's (an empty message deployment takes the definition's);
 * a (deployment, name) may appear once. Pure.
 * Errors: InvalidCodeLocationDefinitionError listing every problem found.
 */
export function parseReportedLocations(locations: readonly WireLocation[]): ReportedCodeLocation[] {
  if (locations.length > MAX_REPORTED_LOCATIONS) {
    throw new InvalidCodeLocationDefinitionError(`at most ${MAX_REPORTED_LOCATIONS} code locations per request, got ${locations.length}`);
  }
  const problems: string[] = [];
  const out: ReportedCodeLocation[] = [];
  const seen = new Set<string>();
  locations.forEach((loc, i) => {
    const label = `locations[${i}] (${JSON.stringify(loc.name || '?')})`;
    let raw: unknown;
    try {
      raw = JSON.parse(loc.definitionJson);
    } catch (error) {
      problems.push(`${label}: definition_json is not valid JSON: ${(error as Error).message}`);
      return;
    }
    const parsed = codeLocationFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${label}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return;
    }
    let definition: CodeLocationDefinition;
    try {
      definition = normalizeDefinition(parsed.data, parsed.data.workingDirectory);
    } catch (error) {
      problems.push(`${label}: ${(error as Error).message}`);
      return;
    }
    const deployment = loc.deployment.trim() || definition.deployment;
    if (loc.name !== '' && loc.name !== definition.name) {
      problems.push(`${label}: name ${JSON.stringify(loc.name)} differs from the definition's name ${JSON.stringify(definition.name)}`);
      return;
    }
    if (deployment !== definition.deployment) {
      problems.push(`${label}: deployment ${JSON.stringify(deployment)} differs from the definition's deployment ${JSON.stringify(definition.deployment)}`);
      return;
    }
    const key = `${deployment}\u0000${definition.name}`;
    if (seen.has(key)) {
      problems.push(`${label}: code location ${definition.name} of deployment ${deployment} is reported twice`);
      return;
    }
    seen.add(key);
    out.push({ deployment, name: definition.name, definition, digest: definitionDigest(definition) });
  });
  if (problems.length > 0) throw new InvalidCodeLocationDefinitionError(`invalid code location definition: ${problems.join('; ')}`);
  return out;
}
