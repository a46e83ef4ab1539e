import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The Python of the workspace venv (`<repo>/.gantry/venv`, created by
 * `scripts/ensure-install.mjs` with `dagster-pipes` from
 * examples/python-weather/requirements.txt): the upstream client the
 * interop tests run against.
 */
export const UPSTREAM_PYTHON = path.resolve(import.meta.dirname, '../../../../.gantry/venv/bin/python');

/** `false` when the venv exists, else the reason to skip (for `describe(..., { skip })`). */
export const skipWithoutUpstream: false | string = existsSync(UPSTREAM_PYTHON) ? false : `no dagster-pipes venv at ${UPSTREAM_PYTHON}`;
