package graph_test

// The warehouse's root fields in the role-matrix test. Mutations are called
// with an empty idempotency key: the input is refused (BAD_USER_INPUT)
// before anything moves, so "allowed" shows without touching stock.
func init() {
	for op, call := range map[string]string{
		"Query.kits":                 `kits { totalCount }`,
		"Query.transfers":            `transfers { totalCount }`,
		"Query.courierDebts":         `courierDebts { totalCount }`,
		"Query.stockReport":          `stockReport { balance { id } lowStock: received }`,
		"Query.itemBySerial":         `itemBySerial(serial: "MATRIX-0") { id }`,
		"Query.transfersInTransit":   `transfersInTransit { id }`,
		"Query.partnerOutstanding":   `partnerOutstanding { units value debt }`,
		"Mutation.receiveStock":      `receiveStock(input: {idempotencyKey: "", warehouseID: "1", lines: []}) { documentNumber }`,
		"Mutation.issueEquipment":    `issueEquipment(input: {idempotencyKey: "", warehouseID: "1", courierID: "1"}) { documentNumber }`,
		"Mutation.returnEquipment":   `returnEquipment(input: {idempotencyKey: "", warehouseID: "1", courierID: "1", lines: []}) { documentNumber }`,
		"Mutation.writeOffEquipment": `writeOffEquipment(input: {idempotencyKey: "", warehouseID: "1", reason: "worn_out", lines: []}) { documentNumber }`,
		"Mutation.dispatchTransfer":  `dispatchTransfer(input: {idempotencyKey: "", fromWarehouseID: "1", toWarehouseID: "2", lines: []}) { documentNumber }`,
		"Mutation.receiveTransfer":   `receiveTransfer(input: {idempotencyKey: "", transferID: "1"}) { documentNumber }`,
		"Mutation.countStock":        `countStock(input: {idempotencyKey: "", warehouseID: "1", reason: "", lines: []}) { documentNumber }`,
		"Mutation.setStockMinLevel":  `setStockMinLevel(warehouseID: "1", equipmentTypeID: "1", minLevel: -1) { id }`,
		"Mutation.createKit":         `createKit(input: {name: "", transportType: FOOT, lines: []}) { id }`,
	} {
		matrixCalls[op] = fixed(call)
	}
}
