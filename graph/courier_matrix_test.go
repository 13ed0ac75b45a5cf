package graph_test

// The courier operations in the role-matrix test. Each call points at no
// courier or carries invalid input, so an allowed role gets NOT_FOUND or
// BAD_USER_INPUT and nothing changes; a refused role gets its access code.
func init() {
	for op, call := range map[string]string{
		"Query.courierSearch":                `courierSearch(search: "matrix") { totalCount }`,
		"Query.expiringCourierDocuments":     `expiringCourierDocuments(days: 30) { totalCount }`,
		"Query.statusReasons":                `statusReasons { totalCount }`,
		"Query.courierDossier":               `courierDossier(id: "1") { id }`,
		"Mutation.onboardCourier":            `onboardCourier(input: {lastName: "", firstName: "", phone: "", pinfl: "", transportType: FOOT}) { id }`,
		"Mutation.updateCourier":             `updateCourier(id: "1", input: {}) { id }`,
		"Mutation.submitForActivation":       `submitForActivation(id: "1") { id }`,
		"Mutation.activateCourier":           `activateCourier(id: "1") { id }`,
		"Mutation.blockCourier":              `blockCourier(id: "1", reason: "no_show", comment: "matrix") { id }`,
		"Mutation.unblockCourier":            `unblockCourier(id: "1") { id }`,
		"Mutation.fireCourier":               `fireCourier(id: "1", reason: "own_wish") { id }`,
		"Mutation.rehireCourier":             `rehireCourier(id: "1") { id }`,
		"Mutation.setCourierDoNotRehire":     `setCourierDoNotRehire(id: "1", doNotRehire: true) { id }`,
		"Mutation.addCourierDocument":        `addCourierDocument(input: {courierID: "1", kind: PASSPORT}) { id }`,
		"Mutation.uploadCourierDocumentFile": `uploadCourierDocumentFile(id: "1", file: "not-a-file") { id }`,
		"Mutation.verifyCourierDocument":     `verifyCourierDocument(id: "1") { id }`,
		"Mutation.rejectCourierDocument":     `rejectCourierDocument(id: "1", reason: "matrix") { id }`,
		"Mutation.importCouriers":            `importCouriers(file: "not-a-file", dryRun: true) { rows }`,
		"Mutation.createStatusReason":        `createStatusReason(input: {kind: BLOCK, code: "", titleRu: ""}) { id }`,
		"Mutation.updateStatusReason":        `updateStatusReason(id: "1", input: {}) { id }`,
	} {
		matrixCalls[op] = fixed(call)
	}
}
