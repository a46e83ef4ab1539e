/**
 * The context the orchestrator hands to the customer process, in Dagster Pipes'
 * wire shape (`PipesContextData` in dagster_pipes/__init__.py), snake_case as on the wire.
 */
export interface PipesContextData {
  /** Asset keys in scope, in their string form ("a/b"). */
  asset_keys: string[] | null;
  code_version_by_asset_key: Record<string, string | null> | null;
  provenance_by_asset_key: Record<string, PipesDataProvenance | null> | null;
  partition_key: string | null;
  partition_key_range: { start: string; end: string } | null;
  partition_time_window: { start: string; end: string } | null;
  run_id: string;
  job_name: string | null;
  retry_number: number;
  /** Free-form extras; Gantry puts `gantry_run_id`, `deployment`, `code_location` and `traceparent` here. */
  extras: Record<string, unknown>;
}

/** Provenance of an asset's current data version (Dagster's `PipesDataProvenance`). */
export interface PipesDataProvenance {
  code_version: string;
  input_data_versions: Record<string, string>;
  is_user_provided: boolean;
}

/** The extras key under which Gantry passes the W3C `traceparent` of the run's launch span. */
export const TRACEPARENT_EXTRA = 'traceparent';
