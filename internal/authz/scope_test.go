package authz_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// world is a random geography with couriers, as the test wrote it: the
// expectations below read these maps, not the database.
type world struct {
	regions, partners             []int
	branchRegion                  map[int]int // branch → region
	warehouseBranch               map[int]int // warehouse → branch
	courierPartner, courierBranch map[int]*int
	// Records that follow a courier or warehouses.
	movementWarehouse   map[int]int    // movement → warehouse
	transferWarehouses  map[int][2]int // transfer → from, to
	statusChangeCourier map[int]int    // status change → courier
}

func newWorld(t *testing.T, ctx context.Context, c *ent.Client, rng *rand.Rand) *world {
	t.Helper()
	w := &world{branchRegion: map[int]int{}, warehouseBranch: map[int]int{}, courierPartner: map[int]*int{}, courierBranch: map[int]*int{},
		movementWarehouse: map[int]int{}, transferWarehouses: map[int][2]int{}, statusChangeCourier: map[int]int{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		r, err := c.Region.Create().SetName(fmt.Sprint("Регион ", i)).SetCode(fmt.Sprint("R", i)).Save(ctx)
		must(err)
		w.regions = append(w.regions, r.ID)
		p, err := c.Partner.Create().SetName(fmt.Sprint("Партнёр ", i)).Save(ctx)
		must(err)
		w.partners = append(w.partners, p.ID)
	}
	var branches []int
	for i := range 7 {
		b, err := c.Branch.Create().SetName(fmt.Sprint("Филиал ", i)).SetCode(fmt.Sprint("B", i)).
			SetRegionID(w.regions[rng.IntN(len(w.regions))]).Save(ctx)
		must(err)
		branches = append(branches, b.ID)
		w.branchRegion[b.ID] = b.RegionID
	}
	for i := range 10 {
		wh, err := c.Warehouse.Create().SetName(fmt.Sprint("Склад ", i)).SetCode(fmt.Sprint("W", i)).
			SetBranchID(branches[rng.IntN(len(branches))]).Save(ctx)
		must(err)
		w.warehouseBranch[wh.ID] = wh.BranchID
	}
	// pick returns one of ids, or nil one time in five.
	pick := func(ids []int) *int {
		if rng.IntN(5) == 0 {
			return nil
		}
		id := ids[rng.IntN(len(ids))]
		return &id
	}
	for i := range 40 {
		pin, err := pinfl.Make(time.Date(1990, 1, 1+i%27, 0, 0, 0, 0, time.UTC), pinfl.Male, 100+i)
		must(err)
		cr, err := c.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").
			SetPhone(fmt.Sprintf("+99890%07d", 1000000+i)).SetPinfl(pin).
			SetBirthDate(time.Date(1990, 1, 1+i%27, 0, 0, 0, 0, time.UTC)).
			SetTransportType(courier.TransportTypeFoot).
			SetNillablePartnerID(pick(w.partners)).SetNillableBranchID(pick(branches)).Save(ctx)
		must(err)
		w.courierPartner[cr.ID], w.courierBranch[cr.ID] = cr.PartnerID, cr.BranchID
		sc, err := c.CourierStatusChange.Create().SetCourierID(cr.ID).SetToStatus("new").SetReason("test").Save(ctx)
		must(err)
		w.statusChangeCourier[sc.ID] = cr.ID
	}
	var whs []int
	for id := range w.warehouseBranch {
		whs = append(whs, id)
	}
	slices.Sort(whs)
	typ, err := c.EquipmentType.Create().SetName("Термосумка").SetSku("SCOPE-BAG").SetCategory(equipmenttype.CategoryBag).Save(ctx)
	must(err)
	for i := range 20 {
		wh := whs[rng.IntN(len(whs))]
		m, err := c.Movement.Create().SetKind(movement.KindReceipt).SetWarehouseID(wh).SetEquipmentTypeID(typ.ID).
			SetQuantity(1).SetOperationID(fmt.Sprint("op", i)).SetDocumentNumber(fmt.Sprint("RCV-", i)).Save(ctx)
		must(err)
		w.movementWarehouse[m.ID] = wh
		from, to := whs[rng.IntN(len(whs))], whs[rng.IntN(len(whs))]
		tr, err := c.Transfer.Create().SetDocumentNumber(fmt.Sprint("TRF-", i)).SetFromWarehouseID(from).SetToWarehouseID(to).
			SetDispatchOperationID(fmt.Sprint("tr", i)).Save(ctx)
		must(err)
		w.transferWarehouses[tr.ID] = [2]int{from, to}
	}
	return w
}

// want is the Go predicate's answer for entity: the rule's Match over the
// rows the test wrote, and for records that follow a courier or warehouses,
// whether the row they point to matches.
func (w *world) want(v *authz.Viewer, entity string) (ids []int, total int) {
	match := func(rule *authz.Rule, id int) bool { return rule.For(v).Match(w.rows(rule)[id]) }
	add := func(id int, in bool) {
		total++
		if in {
			ids = append(ids, id)
		}
	}
	switch entity {
	case "Movement":
		for id, wh := range w.movementWarehouse {
			add(id, match(authz.WarehouseReach, wh))
		}
	case "Transfer":
		for id, ft := range w.transferWarehouses {
			add(id, match(authz.WarehouseReach, ft[0]) || match(authz.WarehouseReach, ft[1]))
		}
	case "CourierStatusChange":
		for id, cr := range w.statusChangeCourier {
			add(id, match(authz.CourierReach, cr))
		}
	default:
		rule := authz.Scoped[entity].Rule
		b := rule.For(v)
		for id, row := range w.rows(rule) {
			add(id, b.Match(row))
		}
	}
	slices.Sort(ids)
	return ids, total
}

// randomViewer is a user of a random role with random subsets of the
// world's partners, regions and warehouses (sometimes an id that does not
// exist, sometimes nothing).
func (w *world) randomViewer(rng *rand.Rand) *authz.Viewer {
	subset := func(ids []int) []int {
		if rng.IntN(3) == 0 {
			return nil
		}
		var out []int
		for _, id := range ids {
			if rng.IntN(3) == 0 {
				out = append(out, id)
			}
		}
		if rng.IntN(8) == 0 {
			out = append(out, 1<<30)
		}
		return out
	}
	var whs []int
	for id := range w.warehouseBranch {
		whs = append(whs, id)
	}
	slices.Sort(whs)
	return &authz.Viewer{
		Kind: authz.KindUser, ID: 1, Name: "random", Role: authz.Roles[rng.IntN(len(authz.Roles))],
		Scope: authz.Scope{Partners: subset(w.partners), Regions: subset(w.regions), Warehouses: subset(whs)},
	}
}

// rows gives, per rule, every row of its table as the Go predicate reads it.
func (w *world) rows(rule *authz.Rule) map[int]authz.Row {
	out := map[int]authz.Row{}
	val := func(p *int) (int, bool) {
		if p == nil {
			return 0, false
		}
		return *p, true
	}
	switch rule {
	case authz.CourierReach:
		for id, p := range w.courierPartner {
			b := w.courierBranch[id]
			out[id] = func(key string) (int, bool) {
				switch key {
				case "partner_id":
					return val(p)
				case "branch.region_id":
					if b == nil {
						return 0, false
					}
					return w.branchRegion[*b], true
				}
				panic("courier has no " + key)
			}
		}
	case authz.WarehouseReach:
		for id, b := range w.warehouseBranch {
			out[id] = func(key string) (int, bool) {
				switch key {
				case "id":
					return id, true
				case "branch.region_id":
					return w.branchRegion[b], true
				}
				panic("warehouse has no " + key)
			}
		}
	case authz.PartnerReach, authz.RegionReach:
		ids := w.partners
		if rule == authz.RegionReach {
			ids = w.regions
		}
		for _, id := range ids {
			out[id] = func(key string) (int, bool) {
				if key != "id" {
					panic("no " + key)
				}
				return id, true
			}
		}
	case authz.BranchReach:
		for id, r := range w.branchRegion {
			out[id] = func(key string) (int, bool) {
				if key != "region_id" {
					panic("branch has no " + key)
				}
				return r, true
			}
		}
	}
	return out
}

// TestScopePredicatesAgreeRowForRow: for random viewers of every role and
// random rows, the ent privacy filter, the raw SQL fragment and the Go
// predicate derived from each scope rule select exactly the same rows, on
// both databases: for the five rules and for records that follow a courier
// (status history) or warehouses (movements; transfers, either side).
func TestScopePredicatesAgreeRowForRow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 1))
		db := dbtest.New(t, d)
		var w *world
		authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error {
			w = newWorld(t, ctx, c, rng)
			return nil
		})
		c := db.Client
		type scoped struct {
			entity, table string
			query         func(context.Context) ([]int, error)
		}
		cases := []scoped{
			{"Courier", "couriers", func(ctx context.Context) ([]int, error) { return c.Courier.Query().IDs(ctx) }},
			{"Warehouse", "warehouses", func(ctx context.Context) ([]int, error) { return c.Warehouse.Query().IDs(ctx) }},
			{"Partner", "partners", func(ctx context.Context) ([]int, error) { return c.Partner.Query().IDs(ctx) }},
			{"Region", "regions", func(ctx context.Context) ([]int, error) { return c.Region.Query().IDs(ctx) }},
			{"Branch", "branches", func(ctx context.Context) ([]int, error) { return c.Branch.Query().IDs(ctx) }},
			{"Movement", "movements", func(ctx context.Context) ([]int, error) { return c.Movement.Query().IDs(ctx) }},
			{"Transfer", "transfers", func(ctx context.Context) ([]int, error) { return c.Transfer.Query().IDs(ctx) }},
			{"CourierStatusChange", "courier_status_changes", func(ctx context.Context) ([]int, error) { return c.CourierStatusChange.Query().IDs(ctx) }},
		}
		viaSQL := func(v *authz.Viewer, sc scoped) []int {
			a := &authz.SQLArgs{Dialect: d}
			cond, ok := authz.ScopeSQL(v, sc.entity, "x", a)
			if !ok {
				t.Fatalf("no SQL scope for %s", sc.entity)
			}
			rows, err := db.SQL.QueryContext(context.Background(), "SELECT x.id FROM "+sc.table+" x WHERE "+cond, a.Values...)
			if err != nil {
				t.Fatalf("%s: %v", sc.entity, err)
			}
			defer rows.Close()
			ids := []int{}
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return ids
		}
		seen := map[string]int{} // entities × outcomes covered: some, all, none rows
		for range 150 {
			v := w.randomViewer(rng)
			ctx := authz.NewContext(context.Background(), v)
			for _, sc := range cases {
				got, err := sc.query(ctx)
				if !authz.CanRead(sc.entity, v.Role) {
					if !errors.Is(err, privacy.Deny) {
						t.Fatalf("%s read by %s: %v, want a privacy denial", sc.entity, v.Role, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s as %+v: %v", sc.entity, v, err)
				}
				slices.Sort(got)
				goIDs, total := w.want(v, sc.entity)
				if goIDs == nil {
					goIDs = []int{}
				}
				sqlIDs := viaSQL(v, sc)
				if !slices.Equal(got, goIDs) || !slices.Equal(sqlIDs, goIDs) {
					t.Fatalf("%s for %s %+v:\nent %v\nsql %v\ngo  %v", sc.entity, v.Role, v.Scope, got, sqlIDs, goIDs)
				}
				switch len(goIDs) {
				case 0:
					seen[sc.entity+" none"]++
				case total:
					seen[sc.entity+" all"]++
				default:
					seen[sc.entity+" some"]++
				}
			}
		}
		for _, entity := range []string{"Courier", "Warehouse", "Transfer"} {
			for _, k := range []string{" none", " all", " some"} {
				if seen[entity+k] == 0 {
					t.Errorf("no viewer saw%s of %s: the random viewers do not exercise the rule (seed %d)", k, entity, seed)
				}
			}
		}
	})
}
