package graph_test

// The analytics root field in the role-matrix test.
func init() {
	matrixCalls["Query.dashboard"] = fixed(`dashboard(filter: {}) { from headcount { total } activeOverTime(interval: WEEK) { active } stock { lines { onHand } } }`)
}
