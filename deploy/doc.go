// Package deploy holds no production code: its tests build and run the
// container image, validate the compose file, render and check the
// Kubernetes manifests, lint the CI workflows and (with the rollout build
// tag, `make test-rollout`) replace running instances under load. Their large
// dependencies (k8s.io/api, kustomize, actionlint) stay out of the binary.
package deploy
