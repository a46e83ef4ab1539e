// Original file: proto/gantry/agent/v1/messages.proto


export interface _gantry_agent_v1_ReportCodeLocationsResponse_Result {
  'deployment'?: (string);
  'name'?: (string);
  /**
   * Version number the control plane assigned (unchanged when the digest was known).
   */
  'version'?: (number);
  'changed'?: (boolean);
}

export interface _gantry_agent_v1_ReportCodeLocationsResponse_Result__Output {
  'deployment': (string);
  'name': (string);
  /**
   * Version number the control plane assigned (unchanged when the digest was known).
   */
  'version': (number);
  'changed': (boolean);
}

export interface ReportCodeLocationsResponse {
  'results'?: (_gantry_agent_v1_ReportCodeLocationsResponse_Result)[];
}

export interface ReportCodeLocationsResponse__Output {
  'results': (_gantry_agent_v1_ReportCodeLocationsResponse_Result__Output)[];
}
