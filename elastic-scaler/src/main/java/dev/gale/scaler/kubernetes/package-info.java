/**
 * The {@code kubernetes} provider: one block is one pod.
 *
 * <pre>
 *  pool options ──▶ KubernetesOptions (validated, no I/O)
 *                        │
 *  submit ──▶ PodTemplate: Secret &lt;id&gt;-env (worker token) + Pod &lt;id&gt; ──▶ CoreV1Api create
 *  status ──▶ one list by label selector ──▶ PodStates (phase + container state ─▶ BlockState)
 *  cancel ──▶ list, then delete pod (grace period) + Secret; 404 is fine
 *                        │
 *               ApiConnector (first call): apiServer option │ in-cluster │ kubeconfig
 *               ApiErrors: HTTP status + API message ─▶ ProviderException
 * </pre>
 */
package dev.gale.scaler.kubernetes;
