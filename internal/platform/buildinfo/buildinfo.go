// Package buildinfo says which build of mycourier is running. Release builds
// stamp Version with -ldflags "-X …/buildinfo.Version=v1.2.3"; other builds
// fall back to the VCS revision the Go toolchain records.
package buildinfo

import "runtime/debug"

// Version is set at link time by release builds (the Dockerfile, the pipeline).
var Version = ""

// String is the version, or "dev+<revision>" for an unstamped build.
func String() string {
	if Version != "" {
		return Version
	}
	rev, dirty := "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev+" + rev
}
