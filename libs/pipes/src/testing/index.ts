/** Test helpers for code that speaks Pipes (`@gantry/pipes/testing`); not part of the customer-facing client. */
export { paramsOf, runPipesChild, type PipesChildOptions, type PipesChildRun } from './pipes-child';
