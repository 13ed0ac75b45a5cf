package authz

// Reach is one dimension of a viewer's scope (couriers or warehouses) as
// plain id lists, for readers that do not go through ent (the analytics
// summaries). It is derived from the same rules as the ent privacy filter
// (courierReach, warehouseReach, applyScope), and the analytics scope test
// checks the two agree.
type Reach struct {
	// All: nothing restricts this dimension.
	All bool
	// None: the viewer sees nothing of it.
	None bool
	// IDs restricts to these partners (couriers) or warehouses, when non-nil.
	IDs []int
	// Regions restricts to branches of these regions, when non-nil.
	Regions []int
}

func reachOf(r reach, ids, regions []int) Reach {
	switch r {
	case reachAll:
		return Reach{All: true}
	case reachNone:
		return Reach{None: true}
	}
	out := Reach{}
	if len(ids) > 0 {
		out.IDs = ids
	}
	if len(regions) > 0 {
		out.Regions = regions
	}
	return out
}

// CourierReach is which couriers v sees: those of IDs (partners) and of
// branches in Regions.
func CourierReach(v *Viewer) Reach {
	if v.Unrestricted() {
		return Reach{All: true}
	}
	return reachOf(courierReach(v), v.Scope.Partners, v.Scope.Regions)
}

// WarehouseReach is which warehouses v sees: IDs, and those of branches in Regions.
func WarehouseReach(v *Viewer) Reach {
	if v.Unrestricted() {
		return Reach{All: true}
	}
	return reachOf(warehouseReach(v), v.Scope.Warehouses, v.Scope.Regions)
}
