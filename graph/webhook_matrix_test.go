package graph_test

// The webhook operations in the role-matrix test: the owner alone manages
// endpoints and reads deliveries. The calls carry a refused URL or point at
// no endpoint, so the owner gets BAD_USER_INPUT or NOT_FOUND and nothing
// changes; every other role gets its access code.
func init() {
	for op, call := range map[string]string{
		"Query.webhookEndpoints":         `webhookEndpoints { totalCount edges { node { url secretHint } } }`,
		"Query.webhookDeliveries":        `webhookDeliveries { totalCount edges { node { status attempts attemptLog { statusCode error } } } }`,
		"Mutation.createWebhookEndpoint": `createWebhookEndpoint(input: {url: "ftp://matrix.example/hook"}) { secret }`,
		"Mutation.updateWebhookEndpoint": `updateWebhookEndpoint(id: "1", input: {enabled: false}) { id }`,
	} {
		matrixCalls[op] = fixed(call)
	}
}
