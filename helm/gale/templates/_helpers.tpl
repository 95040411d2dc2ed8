{{/* Names ------------------------------------------------------------------------------ */}}

{{- define "gale.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The resource name prefix: <release>-<chart>, or the release alone when it contains the chart name. */}}
{{- define "gale.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: (dict "root" $ "component" "gateway"). DNS-label sized. */}}
{{- define "gale.componentName" -}}
{{- printf "%s-%s" (include "gale.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gale.gatewayName" -}}{{ include "gale.componentName" (dict "root" . "component" "gateway") }}{{- end -}}
{{- define "gale.schedulerName" -}}{{ include "gale.componentName" (dict "root" . "component" "scheduler") }}{{- end -}}
{{- define "gale.schedulerHeadlessName" -}}{{ include "gale.componentName" (dict "root" . "component" "scheduler-headless") }}{{- end -}}
{{- define "gale.scalerName" -}}{{ include "gale.componentName" (dict "root" . "component" "scaler") }}{{- end -}}

{{- define "gale.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels ----------------------------------------------------------------------------- */}}

{{/* Labels of every resource of a component: (dict "root" $ "component" "gateway"). */}}
{{- define "gale.labels" -}}
helm.sh/chart: {{ include "gale.chart" .root }}
{{ include "gale.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: gale
{{- end -}}

{{/* The labels selectors use (a subset of gale.labels that never changes on upgrade). */}}
{{- define "gale.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gale.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Images and in-cluster addresses ----------------------------------------------------- */}}

{{- define "gale.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "gale.workerImage" -}}
{{- $w := .Values.workers.image -}}
{{- printf "%s:%s" (default .Values.image.repository $w.repository) (default (default .Chart.AppVersion .Values.image.tag) $w.tag) -}}
{{- end -}}

{{- define "gale.workerNamespace" -}}
{{- default .Release.Namespace .Values.workers.namespace -}}
{{- end -}}

{{/* DNS name of the scheduler's headless Service: one A record per member. */}}
{{- define "gale.schedulerServiceDns" -}}
{{- printf "%s.%s.svc.%s" (include "gale.schedulerHeadlessName" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/* The scheduler members, as Hazelcast clients (gateway, scaler) dial them. */}}
{{- define "gale.schedulerMembers" -}}
{{- printf "%s:%d" (include "gale.schedulerServiceDns" .) (int .Values.scheduler.port) -}}
{{- end -}}

{{/* URL the workers dial: the external one from values, else the gateway Service. */}}
{{- define "gale.workerGatewayUrl" -}}
{{- if .Values.scaler.gatewayUrl -}}
{{- .Values.scaler.gatewayUrl -}}
{{- else -}}
{{- printf "http://%s.%s.svc.%s:%d" (include "gale.gatewayName" .) .Release.Namespace .Values.clusterDomain (int .Values.gateway.service.port) -}}
{{- end -}}
{{- end -}}

{{/* Secrets ------------------------------------------------------------------------------ */}}

{{- define "gale.adminSecretName" -}}
{{- default (include "gale.componentName" (dict "root" . "component" "admin")) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "gale.storeSecretName" -}}
{{- default (include "gale.componentName" (dict "root" . "component" "store")) .Values.store.postgresql.existingSecret -}}
{{- end -}}

{{- define "gale.storeUrl" -}}
{{- $pg := .Values.store.postgresql -}}
{{- if $pg.url -}}
{{- $pg.url -}}
{{- else -}}
{{- printf "jdbc:postgresql://%s:%d/%s" $pg.host (int $pg.port) $pg.database -}}
{{- if $pg.parameters }}?{{ $pg.parameters }}{{ end -}}
{{- end -}}
{{- end -}}

{{- define "gale.scalerServiceAccountName" -}}
{{- if .Values.scaler.serviceAccount.create -}}
{{- default (include "gale.scalerName" .) .Values.scaler.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.scaler.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "gale.workerServiceAccountName" -}}
{{- if .Values.workers.serviceAccount.create -}}
{{- default (include "gale.componentName" (dict "root" . "component" "worker")) .Values.workers.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.workers.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Pod pieces shared by the roles -------------------------------------------------------- */}}

{{/* Environment every role gets. */}}
{{- define "gale.commonEnv" -}}
- name: GALE_NO_BUILD
  value: "1"
- name: GALE_HOME
  value: /var/lib/gale
- name: GALE_SCHEDULER_CLUSTER_NAME
  value: {{ .Values.scheduler.clusterName | quote }}
{{- end -}}

{{/* Writable directories under a read-only root file system (GALE_HOME and /tmp). */}}
{{- define "gale.scratchVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: home
  mountPath: /var/lib/gale
{{- end -}}

{{/* The pod's imagePullSecrets field, or nothing; accepts names or {name: ...} entries. */}}
{{- define "gale.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "string" . }}{{ . }}{{ else }}{{ .name }}{{ end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Spread a component's pods over nodes (preferred) unless affinity is given. */}}
{{- define "gale.softSpread" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "gale.selectorLabels" . | nindent 12 }}
{{- end -}}

{{/* Checks across values that a JSON schema cannot state clearly. */}}
{{- define "gale.validate" -}}
{{- $v := .Values -}}
{{- if and (eq $v.store.kind "embedded") (gt (int $v.scheduler.replicas) 1) -}}
{{- fail (printf "store.kind=embedded keeps the database on one member's volume, but scheduler.replicas is %d: use store.kind=postgresql (recommended) or none with several members, or scheduler.replicas=1" (int $v.scheduler.replicas)) -}}
{{- end -}}
{{- if eq $v.store.kind "postgresql" -}}
{{- if not (or $v.store.postgresql.url $v.store.postgresql.host) -}}
{{- fail "store.kind=postgresql needs store.postgresql.host (or a full store.postgresql.url)" -}}
{{- end -}}
{{- if not (or $v.store.postgresql.password $v.store.postgresql.existingSecret) -}}
{{- fail "store.kind=postgresql needs store.postgresql.password or store.postgresql.existingSecret" -}}
{{- end -}}
{{- end -}}
{{- if and $v.auth.adminToken $v.auth.existingSecret -}}
{{- fail "set either auth.adminToken or auth.existingSecret, not both" -}}
{{- end -}}
{{- if and $v.scheduler.pdb.enabled (gt (int $v.scheduler.replicas) 1) (gt (int $v.scheduler.pdb.maxUnavailable) (int $v.scheduler.backupCount)) -}}
{{- fail (printf "scheduler.pdb.maxUnavailable (%d) exceeds scheduler.backupCount (%d): losing that many members at once would lose tasks" (int $v.scheduler.pdb.maxUnavailable) (int $v.scheduler.backupCount)) -}}
{{- end -}}
{{- if and $v.gateway.autoscaling.enabled (gt (int $v.gateway.autoscaling.minReplicas) (int $v.gateway.autoscaling.maxReplicas)) -}}
{{- fail "gateway.autoscaling.minReplicas must not exceed gateway.autoscaling.maxReplicas" -}}
{{- end -}}
{{- if and $v.gateway.ingress.enabled (not $v.gateway.ingress.hosts) -}}
{{- fail "gateway.ingress.enabled needs at least one entry in gateway.ingress.hosts" -}}
{{- end -}}
{{- $s := $v.workers.scaling -}}
{{- if gt (int $s.minBlocks) (int $s.maxBlocks) -}}
{{- fail "workers.scaling.minBlocks must not exceed workers.scaling.maxBlocks" -}}
{{- end -}}
{{- if gt (int $s.initBlocks) (int $s.maxBlocks) -}}
{{- fail "workers.scaling.initBlocks must not exceed workers.scaling.maxBlocks" -}}
{{- end -}}
{{- if and $v.workers.enabled (hasKey $v.extraPools $v.workers.pool) -}}
{{- fail (printf "pool %q is both workers.pool and a key of extraPools" $v.workers.pool) -}}
{{- end -}}
{{- end -}}
