package deploy_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// lintWorkflows runs actionlint (as a library) on every workflow file.
func lintWorkflows(t *testing.T) map[string]*actionlint.Workflow {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), ".github", "workflows", "*.yml"))
	if len(files) < 3 {
		t.Fatalf("workflows = %v, want ci, deliver and deploy", files)
	}
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s:%d:%d: %s [%s]", filepath.Base(e.Filepath), e.Line, e.Column, e.Message, e.Kind)
	}
	wfs := map[string]*actionlint.Workflow{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		wf, perrs := actionlint.Parse(b)
		if len(perrs) > 0 {
			t.Fatalf("%s: %v", f, perrs[0])
		}
		wfs[strings.TrimSuffix(filepath.Base(f), ".yml")] = wf
	}
	return wfs
}

// runs is every `run:` script of a job, joined.
func runs(j *actionlint.Job) string {
	var b strings.Builder
	for _, s := range j.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
			b.WriteString(r.Run.Value + "\n")
		}
	}
	return b.String()
}

func uses(j *actionlint.Job) string {
	var b strings.Builder
	for _, s := range j.Steps {
		if a, ok := s.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
			b.WriteString(a.Uses.Value + "\n")
		}
	}
	return b.String()
}

// TestWorkflowsLintCleanAndCoverThePipeline: actionlint finds nothing, and
// the pipeline has its stages: tests on both databases, migration lint,
// vulnerability scan, rollout test; image build, scan, push; staging then
// production through one deploy workflow that migrates first, waits for the
// rollout, smoke-tests and rolls back on failure.
func TestWorkflowsLintCleanAndCoverThePipeline(t *testing.T) {
	wfs := lintWorkflows(t)
	ci, deliver, deploy := wfs["ci"], wfs["deliver"], wfs["deploy"]
	if ci == nil || deliver == nil || deploy == nil {
		t.Fatalf("want ci.yml, deliver.yml and deploy.yml, have %v", wfs)
	}
	job := func(wf *actionlint.Workflow, id string) *actionlint.Job {
		t.Helper()
		for _, j := range wf.Jobs {
			if j.ID.Value == id {
				return j
			}
		}
		t.Fatalf("workflow %s has no job %q", wf.Name.Value, id)
		return nil
	}
	test := job(ci, "test")
	if !strings.Contains(runs(test), "make test") || test.Services == nil || test.Services.Value["postgres"] == nil {
		t.Error("ci/test must run `make test` with a PostgreSQL service (both databases)")
	}
	if !strings.Contains(runs(job(ci, "lint-migrations")), "squawk") {
		t.Error("ci must lint the PostgreSQL migrations with squawk")
	}
	if !strings.Contains(runs(job(ci, "vulncheck")), "govulncheck") {
		t.Error("ci must run govulncheck")
	}
	if !strings.Contains(runs(job(ci, "rollout")), "make test-rollout") {
		t.Error("ci must run the rollout test")
	}
	// Mutation testing is too slow for every push: it runs nightly, and
	// never inside `make test` (which would put it back into every push).
	if mut := wfs["mutation"]; mut == nil || mut.On == nil || !strings.Contains(runs(job(mut, "mutation")), "make mutation") {
		t.Error("mutation.yml must run `make mutation`")
	} else {
		var nightly bool
		for _, e := range mut.On {
			if s, ok := e.(*actionlint.ScheduledEvent); ok && len(s.Schedules) > 0 {
				nightly = true
			}
		}
		if !nightly {
			t.Error("mutation.yml must run on a schedule")
		}
	}

	img := job(deliver, "image")
	if r := runs(img); !strings.Contains(r, "build") || !strings.Contains(r, "docker push") {
		t.Error("deliver/image must build and push the image")
	}
	if !strings.Contains(uses(img), "trivy") {
		t.Error("deliver/image must scan the image before pushing it")
	}
	staging, prod := job(deliver, "staging"), job(deliver, "production")
	needs := func(j *actionlint.Job, id string) bool {
		for _, n := range j.Needs {
			if n.Value == id {
				return true
			}
		}
		return false
	}
	if !needs(staging, "image") || !needs(prod, "staging") {
		t.Error("production must need staging, staging must need the image")
	}
	for _, j := range []*actionlint.Job{staging, prod} {
		if j.WorkflowCall == nil || j.WorkflowCall.Uses.Value != "./.github/workflows/deploy.yml" {
			t.Errorf("deliver/%s must call deploy.yml", j.ID.Value)
		}
	}

	roll := job(deploy, "rollout")
	r := runs(roll)
	mig, status := strings.Index(r, "job/mycourier-migrate"), strings.Index(r, "rollout status deployment/mycourier")
	if b := strings.Index(r, "kind: Backup"); b < 0 || b > mig {
		t.Error("deploy must back up PostgreSQL before the migration Job")
	}
	if mig < 0 || status < 0 || mig > status {
		t.Error("deploy must wait for the migration Job before the rolling update")
	}
	if !strings.Contains(r, "/readyz") {
		t.Error("deploy must smoke-test /readyz after the rollout")
	}
	var undo bool
	for _, s := range roll.Steps {
		if x, ok := s.Exec.(*actionlint.ExecRun); ok && s.If != nil && strings.Contains(s.If.Value, "failure()") &&
			strings.Contains(x.Run.Value, "rollout undo") {
			undo = true
		}
	}
	if !undo {
		t.Error("deploy must roll back (`kubectl rollout undo`) when a step fails")
	}
}
