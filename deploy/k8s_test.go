package deploy_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// cnpgCluster is the part of CloudNativePG's Cluster (postgresql.cnpg.io/v1)
// these manifests use; strict decoding rejects any field not declared here,
// so a typo in a manifest fails instead of being ignored by the operator.
type cnpgCluster struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   cnpgMeta        `json:"metadata"`
	Spec       cnpgClusterSpec `json:"spec"`
}

type cnpgMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type cnpgClusterSpec struct {
	Instances             int    `json:"instances"`
	ImageName             string `json:"imageName"`
	PrimaryUpdateStrategy string `json:"primaryUpdateStrategy,omitempty"`
	PostgreSQL            struct {
		Synchronous *struct {
			Method string `json:"method"`
			Number int    `json:"number"`
		} `json:"synchronous"`
		Parameters map[string]string `json:"parameters,omitempty"`
	} `json:"postgresql"`
	Bootstrap struct {
		InitDB *struct {
			Database string `json:"database"`
			Owner    string `json:"owner"`
		} `json:"initdb,omitempty"`
		Recovery *struct {
			Source         string `json:"source"`
			RecoveryTarget *struct {
				TargetTime string `json:"targetTime"`
			} `json:"recoveryTarget,omitempty"`
		} `json:"recovery,omitempty"`
	} `json:"bootstrap"`
	Storage struct {
		Size string `json:"size"`
	} `json:"storage"`
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	Affinity  *struct {
		EnablePodAntiAffinity bool   `json:"enablePodAntiAffinity"`
		TopologyKey           string `json:"topologyKey"`
	} `json:"affinity,omitempty"`
	Monitoring *struct {
		EnablePodMonitor bool `json:"enablePodMonitor"`
	} `json:"monitoring,omitempty"`
	Backup *struct {
		RetentionPolicy   string           `json:"retentionPolicy"`
		BarmanObjectStore *cnpgObjectStore `json:"barmanObjectStore"`
	} `json:"backup,omitempty"`
	ExternalClusters []struct {
		Name              string           `json:"name"`
		BarmanObjectStore *cnpgObjectStore `json:"barmanObjectStore"`
	} `json:"externalClusters,omitempty"`
}

type cnpgObjectStore struct {
	DestinationPath string `json:"destinationPath"`
	EndpointURL     string `json:"endpointURL,omitempty"`
	ServerName      string `json:"serverName,omitempty"`
	S3Credentials   struct {
		AccessKeyID     corev1.SecretKeySelector `json:"accessKeyId"`
		SecretAccessKey corev1.SecretKeySelector `json:"secretAccessKey"`
	} `json:"s3Credentials"`
	WAL *struct {
		Compression string `json:"compression"`
	} `json:"wal"`
	Data *struct {
		Compression string `json:"compression"`
	} `json:"data,omitempty"`
}

type cnpgScheduledBackup struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   cnpgMeta `json:"metadata"`
	Spec       struct {
		Schedule             string `json:"schedule"`
		Immediate            bool   `json:"immediate,omitempty"`
		BackupOwnerReference string `json:"backupOwnerReference,omitempty"`
		Method               string `json:"method"`
		Cluster              struct {
			Name string `json:"name"`
		} `json:"cluster"`
	} `json:"spec"`
}

// manifests is one rendered set of objects, decoded strictly into their types.
type manifests struct {
	deployments     map[string]*appsv1.Deployment
	services        map[string]*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	serviceAccounts map[string]*corev1.ServiceAccount
	ingresses       map[string]*networkingv1.Ingress
	pdbs            map[string]*policyv1.PodDisruptionBudget
	hpas            map[string]*autoscalingv2.HorizontalPodAutoscaler
	netpols         map[string]*networkingv1.NetworkPolicy
	jobs            map[string]*batchv1.Job
	clusters        map[string]*cnpgCluster
	backups         map[string]*cnpgScheduledBackup
	namespaces      map[string]bool
}

// decodeStrict decodes one YAML document into the type of its kind,
// rejecting unknown fields, and files it in m.
func (m *manifests) decodeStrict(doc []byte) error {
	var head struct{ APIVersion, Kind string }
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	var meta struct {
		Metadata struct{ Name, Namespace string }
	}
	_ = yaml.Unmarshal(doc, &meta)
	name := meta.Metadata.Name
	m.namespaces[meta.Metadata.Namespace] = true
	into := func(dst any) error { return yaml.UnmarshalStrict(doc, dst) }
	gvk := head.APIVersion + "/" + head.Kind
	var err error
	switch gvk {
	case "apps/v1/Deployment":
		v := new(appsv1.Deployment)
		err, m.deployments[name] = into(v), v
	case "v1/Service":
		v := new(corev1.Service)
		err, m.services[name] = into(v), v
	case "v1/ConfigMap":
		v := new(corev1.ConfigMap)
		err, m.configMaps[name] = into(v), v
	case "v1/ServiceAccount":
		v := new(corev1.ServiceAccount)
		err, m.serviceAccounts[name] = into(v), v
	case "networking.k8s.io/v1/Ingress":
		v := new(networkingv1.Ingress)
		err, m.ingresses[name] = into(v), v
	case "policy/v1/PodDisruptionBudget":
		v := new(policyv1.PodDisruptionBudget)
		err, m.pdbs[name] = into(v), v
	case "autoscaling/v2/HorizontalPodAutoscaler":
		v := new(autoscalingv2.HorizontalPodAutoscaler)
		err, m.hpas[name] = into(v), v
	case "networking.k8s.io/v1/NetworkPolicy":
		v := new(networkingv1.NetworkPolicy)
		err, m.netpols[name] = into(v), v
	case "batch/v1/Job":
		v := new(batchv1.Job)
		err, m.jobs[name] = into(v), v
	case "postgresql.cnpg.io/v1/Cluster":
		v := new(cnpgCluster)
		err, m.clusters[name] = into(v), v
	case "postgresql.cnpg.io/v1/ScheduledBackup":
		v := new(cnpgScheduledBackup)
		err, m.backups[name] = into(v), v
	default:
		// A Secret with data would be a secret in the repository; anything
		// else unknown has no strict type to check it against.
		return fmt.Errorf("%s %q: kind not allowed in deploy/k8s (no type to check it against)", gvk, name)
	}
	if err != nil {
		return fmt.Errorf("%s %q: %w", gvk, name, err)
	}
	return nil
}

func newManifests() *manifests {
	return &manifests{
		deployments: map[string]*appsv1.Deployment{}, services: map[string]*corev1.Service{},
		configMaps: map[string]*corev1.ConfigMap{}, serviceAccounts: map[string]*corev1.ServiceAccount{},
		ingresses: map[string]*networkingv1.Ingress{}, pdbs: map[string]*policyv1.PodDisruptionBudget{},
		hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{}, netpols: map[string]*networkingv1.NetworkPolicy{},
		jobs: map[string]*batchv1.Job{}, clusters: map[string]*cnpgCluster{}, backups: map[string]*cnpgScheduledBackup{},
		namespaces: map[string]bool{},
	}
}

func splitYAML(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(b, []byte("\n---")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

// TestK8sManifestFilesDecodeStrictly decodes every manifest file under
// deploy/k8s (kustomizations aside) into its API type, unknown fields refused.
func TestK8sManifestFilesDecodeStrictly(t *testing.T) {
	files, _ := filepath.Glob("k8s/*/*.yaml")
	more, _ := filepath.Glob("k8s/*/*/*.yaml")
	files = append(files, more...)
	n := 0
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := newManifests()
		for _, doc := range splitYAML(b) {
			n++
			if err := m.decodeStrict(doc); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	if n < 10 {
		t.Fatalf("decoded %d manifests under deploy/k8s, expected the whole set", n)
	}
}

// render builds an overlay with kustomize (the library kubectl embeds).
func render(t *testing.T, dir string) *manifests {
	t.Helper()
	resMap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	m := newManifests()
	for _, r := range resMap.Resources() {
		doc, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		if err := m.decodeStrict(doc); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	return m
}

// TestK8sOverlaysKeepTheRules renders every overlay and checks the rules of
// a zero-downtime, least-privilege deployment on the rendered objects.
func TestK8sOverlaysKeepTheRules(t *testing.T) {
	overlays, _ := filepath.Glob("k8s/overlays/*")
	if len(overlays) < 2 {
		t.Fatalf("overlays = %v, want staging and production", overlays)
	}
	for _, dir := range overlays {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			checkRendered(t, render(t, dir))
		})
	}
}

func checkRendered(t *testing.T, m *manifests) {
	if len(m.namespaces) != 1 || m.namespaces[""] {
		t.Errorf("objects are spread over namespaces %v; an overlay sets one", m.namespaces)
	}
	api := m.deployments["mycourier"]
	if api == nil {
		t.Fatal("no Deployment mycourier")
	}
	spec := api.Spec
	if spec.Replicas == nil || *spec.Replicas < 2 {
		t.Errorf("api replicas = %v, want ≥ 2", spec.Replicas)
	}
	if spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || spec.Strategy.RollingUpdate == nil ||
		spec.Strategy.RollingUpdate.MaxUnavailable == nil || spec.Strategy.RollingUpdate.MaxUnavailable.IntValue() != 0 {
		t.Errorf("api strategy = %+v, want RollingUpdate with maxUnavailable 0", spec.Strategy)
	}
	pod := spec.Template.Spec
	podLabels := labels.Set(spec.Template.Labels)
	if len(pod.Containers) != 1 {
		t.Fatalf("api containers = %d, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	probe := func(name string, p *corev1.Probe, path string) {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path {
			t.Errorf("%s probe = %+v, want GET %s", name, p, path)
		}
	}
	probe("readiness", c.ReadinessProbe, "/readyz")
	probe("liveness", c.LivenessProbe, "/healthz")
	probe("startup", c.StartupProbe, "/healthz")
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
		t.Fatalf("api has no preStop sleep: endpoints must drop the pod before SIGTERM")
	}
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	cm := configMapOf(t, m, c)
	drain, err := time.ParseDuration(cm.Data["MYCOURIER_SHUTDOWN_TIMEOUT"])
	if err != nil {
		t.Errorf("config MYCOURIER_SHUTDOWN_TIMEOUT: %v", err)
	}
	grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
	if preStop < 5*time.Second || grace < preStop+drain {
		t.Errorf("preStop %s + drain %s does not fit terminationGracePeriod %s (preStop ≥ 5s)", preStop, drain, grace)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("api resources = %+v, want cpu and memory requests and a memory limit", c.Resources)
	}
	if strings.HasPrefix(c.Image, "mycourier") || !strings.Contains(c.Image, ":") {
		t.Errorf("api image = %q, want the registry image with a tag set by the overlay", c.Image)
	}

	for name, d := range m.deployments {
		checkPodSecurity(t, "Deployment "+name, d.Spec.Template.Spec)
		checkSecretRefs(t, "Deployment "+name, d.Spec.Template.Spec)
	}

	if pdb := m.pdbs["mycourier"]; pdb == nil {
		t.Error("no PodDisruptionBudget")
	} else if sel := mustSelector(t, pdb.Spec.Selector); !sel.Matches(podLabels) {
		t.Errorf("PDB selector %v does not match the api pods", sel)
	} else if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() < 1 || pdb.Spec.MinAvailable.IntValue() >= int(*spec.Replicas) {
		t.Errorf("PDB minAvailable = %v with %d replicas: must keep one up and still let a node drain", pdb.Spec.MinAvailable, *spec.Replicas)
	}
	if hpa := m.hpas["mycourier"]; hpa == nil {
		t.Error("no HorizontalPodAutoscaler")
	} else if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != "mycourier" ||
		hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Errorf("HPA = %+v, want Deployment mycourier, min ≥ 2", hpa.Spec)
	}
	svc := m.services["mycourier"]
	if svc == nil || !labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
		t.Fatalf("Service mycourier missing or not selecting the api pods")
	}
	if ing := m.ingresses["mycourier"]; ing == nil || len(ing.Spec.TLS) == 0 || len(ing.Spec.Rules) == 0 ||
		ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name != svc.Name {
		t.Errorf("Ingress mycourier missing, without TLS or not routing to the Service")
	}
	if np := m.netpols["mycourier"]; np == nil {
		t.Error("no NetworkPolicy")
	} else if sel := mustSelector(t, &np.Spec.PodSelector); !sel.Matches(podLabels) || len(np.Spec.PolicyTypes) != 2 {
		t.Errorf("NetworkPolicy does not restrict ingress and egress of the api pods: %+v", np.Spec)
	}

	job := m.jobs["mycourier-migrate"]
	if job == nil {
		t.Fatal("no migration Job")
	}
	jc := job.Spec.Template.Spec.Containers[0]
	if strings.Join(jc.Args, " ") != "migrate up" || jc.Image != c.Image || job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("migration Job runs %q %v (restart %s), want `migrate up` on the api's image %s", jc.Image, jc.Args, job.Spec.Template.Spec.RestartPolicy, c.Image)
	}
	checkPodSecurity(t, "Job mycourier-migrate", job.Spec.Template.Spec)
	checkSecretRefs(t, "Job mycourier-migrate", job.Spec.Template.Spec)

	checkCommandsExist(t, m)

	db := m.clusters["mycourier-db"]
	if db == nil {
		t.Fatal("no CloudNativePG Cluster mycourier-db")
	}
	checkCluster(t, db)
	var scheduled bool
	for _, b := range m.backups {
		if b.Spec.Cluster.Name == db.Metadata.Name && len(strings.Fields(b.Spec.Schedule)) == 6 {
			scheduled = true
		}
	}
	if !scheduled {
		t.Error("no ScheduledBackup (six-field schedule) for the Cluster")
	}
}

func checkCluster(t *testing.T, db *cnpgCluster) {
	t.Helper()
	if db.Spec.Instances < 3 {
		t.Errorf("PostgreSQL instances = %d, want 3", db.Spec.Instances)
	}
	if s := db.Spec.PostgreSQL.Synchronous; s == nil || s.Number < 1 {
		t.Error("PostgreSQL has no synchronous replica")
	}
	b := db.Spec.Backup
	if b == nil || b.BarmanObjectStore == nil || b.BarmanObjectStore.WAL == nil ||
		!strings.HasPrefix(b.BarmanObjectStore.DestinationPath, "s3://") || b.RetentionPolicy == "" {
		t.Error("PostgreSQL backups must go to object storage with WAL archiving (point-in-time recovery) and a retention policy")
	}
}

// checkPodSecurity: non-root, no privilege escalation, read-only root, no
// capabilities, seccomp RuntimeDefault, no service-account token.
func checkPodSecurity(t *testing.T, what string, pod corev1.PodSpec) {
	t.Helper()
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil ||
		psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod securityContext must set runAsNonRoot and seccomp RuntimeDefault", what)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Errorf("%s: mounts a service-account token it does not need", what)
	}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
			t.Errorf("%s/%s: container securityContext must forbid privilege escalation, make the root read-only and drop ALL capabilities", what, c.Name)
		}
		if c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s/%s: no memory limit", what, c.Name)
		}
	}
}

// checkSecretRefs: secrets come only by reference, from the Secrets created
// outside the repository (by the operator or the cluster's secret manager).
func checkSecretRefs(t *testing.T, what string, pod corev1.PodSpec) {
	t.Helper()
	allowed := map[string]bool{"mycourier-secrets": true, "mycourier-db-app": true}
	for _, c := range pod.Containers {
		for _, e := range c.Env {
			if strings.Contains(e.Name, "SECRET") || strings.Contains(e.Name, "DATABASE_URL") || strings.Contains(e.Name, "TOKEN") {
				if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || !allowed[e.ValueFrom.SecretKeyRef.Name] {
					t.Errorf("%s/%s: %s must come from a secretKeyRef to one of %v", what, c.Name, e.Name, allowed)
				}
			}
		}
	}
}

func configMapOf(t *testing.T, m *manifests, c corev1.Container) *corev1.ConfigMap {
	t.Helper()
	for _, ef := range c.EnvFrom {
		if ef.ConfigMapRef != nil {
			if cm := m.configMaps[ef.ConfigMapRef.Name]; cm != nil {
				return cm
			}
			t.Fatalf("envFrom names ConfigMap %q, which the overlay does not render", ef.ConfigMapRef.Name)
		}
	}
	t.Fatal("api takes no ConfigMap")
	return nil
}

func mustSelector(t *testing.T, s *metav1.LabelSelector) labels.Selector {
	t.Helper()
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// TestK8sPointInTimeRecoveryManifest: the recovery cluster replays the
// archived WAL of mycourier-db up to a target time.
func TestK8sPointInTimeRecoveryManifest(t *testing.T) {
	b, err := os.ReadFile("k8s/recovery/cluster-pitr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c cnpgCluster
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		t.Fatal(err)
	}
	r := c.Spec.Bootstrap.Recovery
	if r == nil || r.RecoveryTarget == nil || r.RecoveryTarget.TargetTime == "" || len(c.Spec.ExternalClusters) != 1 ||
		c.Spec.ExternalClusters[0].Name != r.Source || c.Spec.ExternalClusters[0].BarmanObjectStore == nil {
		t.Errorf("recovery cluster must bootstrap from the object store of mycourier-db up to a target time: %+v", c.Spec.Bootstrap)
	}
}

// checkCommandsExist runs every command a rendered Deployment or Job starts
// with --help against the binary built from this tree: a manifest must not
// start a command the binary lacks (the bot Deployment once did, and would
// have crash-looped).
func checkCommandsExist(t *testing.T, m *manifests) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mycourier")
	build := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "./cmd/mycourier")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var pods []corev1.PodSpec
	for _, d := range m.deployments {
		pods = append(pods, d.Spec.Template.Spec)
	}
	for _, j := range m.jobs {
		pods = append(pods, j.Spec.Template.Spec)
	}
	for _, p := range pods {
		for _, c := range append(p.InitContainers, p.Containers...) {
			if len(c.Args) == 0 {
				continue
			}
			var words []string
			for _, a := range c.Args {
				if strings.HasPrefix(a, "-") {
					break
				}
				words = append(words, a)
			}
			out, err := exec.Command(bin, append(words, "--help")...).CombinedOutput()
			if err != nil || strings.Contains(string(out), "unknown command") {
				t.Errorf("container %s runs %q, which the binary does not have: %v\n%s", c.Name, c.Args, err, out)
			}
		}
	}
}

// A component that is not in the base still has to render: the bot, for
// when its command exists.
func TestK8sBotComponentRenders(t *testing.T) {
	// kustomize takes no absolute paths: the overlay lives beside the others
	// for the test's length.
	dir, err := os.MkdirTemp("k8s", "bot-overlay-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	kust := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\ncomponents: [../components/bot]\n"
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(kust), 0o600); err != nil {
		t.Fatal(err)
	}
	m := render(t, dir)
	bot := m.deployments["mycourier-bot"]
	if bot == nil || bot.Spec.Replicas == nil || *bot.Spec.Replicas != 1 || bot.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("bot must be its own Deployment with exactly one replica, replaced by Recreate")
	}
}
