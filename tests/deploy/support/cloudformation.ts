import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

const FUNCTIONS: Record<string, string> = {
  Ref: 'Ref',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Equals: 'Fn::Equals',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
};

function tags(): (ScalarTag | CollectionTag)[] {
  return Object.entries(FUNCTIONS).flatMap(([short, long]) => [
    {
      tag: `!${short}`,
      resolve: (value: string) => ({ [long]: long === 'Fn::GetAtt' ? value.split('.') : value }),
    } satisfies ScalarTag,
    { tag: `!${short}`, collection: 'seq', resolve: (seq: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [long]: seq.toJSON() }) } satisfies CollectionTag,
    { tag: `!${short}`, collection: 'map', resolve: (map: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [long]: map.toJSON() }) } satisfies CollectionTag,
  ]);
}

/**
 * Parses a CloudFormation YAML template into its JSON form: short-form
 * intrinsic functions (`!Ref X`, `!Sub [...]`, `!GetAtt A.B`) become their long
 * form (`{ Ref: 'X' }`, `{ 'Fn::Sub': [...] }`, `{ 'Fn::GetAtt': ['A', 'B'] }`).
 */
export function parseCloudFormation(text: string): CloudFormationTemplate {
  return parse(text, { customTags: tags() }) as CloudFormationTemplate;
}

/** The parts of a template the tests read. */
export interface CloudFormationTemplate {
  Parameters: Record<string, Record<string, unknown> & { Type: string }>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}
