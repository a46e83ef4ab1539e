// Original file: proto/gantry/agent/v1/messages.proto

import type { CodeLocationDefinition as _gantry_agent_v1_CodeLocationDefinition, CodeLocationDefinition__Output as _gantry_agent_v1_CodeLocationDefinition__Output } from '../../../gantry/agent/v1/CodeLocationDefinition';

export interface ReportCodeLocationsRequest {
  'locations'?: (_gantry_agent_v1_CodeLocationDefinition)[];
}

export interface ReportCodeLocationsRequest__Output {
  'locations': (_gantry_agent_v1_CodeLocationDefinition__Output)[];
}
