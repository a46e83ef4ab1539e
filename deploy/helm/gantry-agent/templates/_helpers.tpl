{{/* Name of the chart, overridable with nameOverride. */}}
{{- define "gantry-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of the release's objects: the release name, with the chart name appended unless it already contains it. */}}
{{- define "gantry-agent.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "gantry-agent.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "gantry-agent.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "gantry-agent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "gantry-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gantry
{{- end -}}

{{/* Labels that select the agent's pods. */}}
{{- define "gantry-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gantry-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end -}}

{{/* Name of the agent's ServiceAccount. */}}
{{- define "gantry-agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gantry-agent.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name and key of the Secret holding the agent token. */}}
{{- define "gantry-agent.tokenSecretName" -}}
{{- if .Values.agentToken.existingSecret.name -}}
{{- .Values.agentToken.existingSecret.name -}}
{{- else -}}
{{- printf "%s-token" (include "gantry-agent.fullname" .) -}}
{{- end -}}
{{- end -}}
{{- define "gantry-agent.tokenSecretKey" -}}
{{- if .Values.agentToken.existingSecret.name -}}
{{- default "token" .Values.agentToken.existingSecret.key -}}
{{- else -}}
token
{{- end -}}
{{- end -}}

{{/* Namespace of run Jobs. */}}
{{- define "gantry-agent.runsNamespace" -}}
{{- default .Release.Namespace .Values.runs.namespace -}}
{{- end -}}

{{/* Folder the code-location ConfigMap is mounted at. */}}
{{- define "gantry-agent.codeLocationsDir" -}}
/etc/gantry/code-locations
{{- end -}}

{{/* GANTRY_K8S_RUN_DEFAULTS: the run Job defaults as one JSON object. */}}
{{- define "gantry-agent.k8sRunDefaults" -}}
{{- $r := .Values.runs -}}
{{- $d := dict "ttlSecondsAfterFinished" $r.ttlSecondsAfterFinished -}}
{{- with $r.serviceAccountName }}{{ $_ := set $d "serviceAccountName" . }}{{ end -}}
{{- with $r.resources }}{{ $_ := set $d "resources" . }}{{ end -}}
{{- with $r.nodeSelector }}{{ $_ := set $d "nodeSelector" . }}{{ end -}}
{{- with $r.tolerations }}{{ $_ := set $d "tolerations" . }}{{ end -}}
{{- with $r.imagePullSecrets }}{{ $_ := set $d "imagePullSecrets" . }}{{ end -}}
{{- with $r.envFromSecrets }}{{ $_ := set $d "envFromSecrets" . }}{{ end -}}
{{- toJson $d -}}
{{- end -}}

{{/* Port of the control plane's gRPC address (host:port), for the NetworkPolicy. */}}
{{- define "gantry-agent.controlPlanePort" -}}
{{- regexFind "[0-9]+$" .Values.controlPlane.grpcAddress -}}
{{- end -}}
