import { K8S_CONFIG_TAG, parseKubernetesSettingsTag, type CodeLocationDefinition, type KubernetesRunSettings } from '@gantry/code-location';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged onto `base`: objects key by key (recursively), arrays and scalars replaced. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

/**
 * The settings of one run: the agent's GANTRY_K8S_RUN_DEFAULTS, then the
 * location's `kubernetes:` section, then the `gantry/k8s-config` tag of each
 * selected asset in selection order (objects merge key by key; arrays and
 * scalars are replaced). Errors: InvalidCodeLocationError for a tag that is
 * not valid settings JSON (loading the location already rejects those).
 */
export function effectiveRunSettings(defaults: KubernetesRunSettings, location: CodeLocationDefinition, assetKeys: readonly string[]): KubernetesRunSettings {
  let settings = merge(defaults, location.kubernetes ?? {});
  for (const key of assetKeys) {
    const tag = location.assets.find((a) => a.key === key)?.tags[K8S_CONFIG_TAG];
    if (tag !== undefined) settings = merge(settings, parseKubernetesSettingsTag(tag, `asset ${key} of code location ${location.name}`));
  }
  return settings as KubernetesRunSettings;
}
