// Package seed fills a database with data: Demo writes a small realistic
// data set for trying the product, Bench writes couriers by the hundred
// thousand for benchmarks.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/branch"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/ent/region"
	"github.com/mycourier/mycourier/ent/warehouse"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
)

// DemoCouriers is how many couriers Demo plans.
const DemoCouriers = 200

// demoSeed fixes the demo data: the same names, PINFLs and phones on every
// machine, which is also what makes a second run find everything present.
const demoSeed = 20261125

// Summary counts the rows a seed run created.
type Summary struct {
	Regions, Branches, Warehouses, Partners, EquipmentTypes int
	Couriers, StatusChanges, StockBalances, Movements       int
	// Demo history: documents recorded, stock operations by kind, debts.
	Documents, Receipts, Issues, Returns, WriteOffs, Transfers, Debts int
	Elapsed                                                           time.Duration
}

func (s Summary) String() string {
	out := fmt.Sprintf("created %d regions, %d branches, %d warehouses, %d partners, %d equipment types, "+
		"%d couriers, %d status changes, %d stock balances, %d movements",
		s.Regions, s.Branches, s.Warehouses, s.Partners, s.EquipmentTypes,
		s.Couriers, s.StatusChanges, s.StockBalances, s.Movements)
	if s.Documents+s.Receipts+s.Issues+s.Returns+s.WriteOffs+s.Transfers+s.Debts > 0 {
		out += fmt.Sprintf(" (%d documents; operations: %d receipts, %d issues, %d returns, %d write-offs, %d transfers; %d debts)",
			s.Documents, s.Receipts, s.Issues, s.Returns, s.WriteOffs, s.Transfers, s.Debts)
	}
	return out + " in " + s.Elapsed.Round(time.Millisecond).String()
}

// Demo writes the demo data set in one transaction: regions and branches of
// Uzbekistan, a warehouse per branch, logistics partners and equipment
// types, then two years of history played through the same service
// functions the API calls (couriersvc, stocksvc) on a clock that walks
// forward through it: DemoCouriers couriers onboarded with their documents
// (scans stored in docs, some about to expire, some expired), activated,
// blocked, unblocked, fired with reasons and rehired; stock received,
// issued to couriers, returned (some damaged), written off, moved between
// warehouses (one transfer still in transit) and lost equipment booked as
// debt. Every rule the services enforce holds for the demo because the
// services wrote it.
//
// The plan is drawn from a fixed seed, so every run plans the same
// couriers and operations; dates are relative to the day of the run. It is
// idempotent: reference rows are keyed by stable codes, names and SKUs, and
// when the planned couriers exist (by PINFL) the history is not played
// again. It creates no users, so no default password ever exists.
func Demo(ctx context.Context, client *ent.Client, docs blobstore.Store) (sum Summary, err error) {
	start := time.Now()
	if docs == nil {
		return sum, errors.New("seed demo: a document store is required (the demo's documents carry scans)")
	}
	// Seeding is mycourier acting on its own: privacy rules and the audit
	// trail see the system viewer, never an anonymous one.
	ctx = authz.SystemContext(ctx, "seed demo")
	tx, err := client.Tx(ctx)
	if err != nil {
		return sum, fmt.Errorf("seed demo: %w", err)
	}
	files := &demoFiles{Store: docs}
	defer func() {
		if err == nil {
			if err = tx.Commit(); err != nil {
				err = fmt.Errorf("commit: %w", err)
			}
		}
		if err != nil {
			_ = tx.Rollback()
			files.discard(ctx) // the rows naming them are gone
			err = fmt.Errorf("seed demo: %w", err)
			return
		}
		sum.Elapsed = time.Since(start)
	}()
	// The services join this transaction through the context.
	ctx = ent.NewTxContext(ctx, tx)
	c := tx.Client()
	ref, err := reference(ctx, c, &sum)
	if err != nil {
		return sum, err
	}
	partnerIDs := make([]int, len(partners))
	for i, p := range partners {
		partnerIDs[i] = ref.partners[p.name]
	}
	now := time.Now().UTC().Truncate(time.Hour)
	plan, err := planDemo(now, ref, partnerIDs)
	if err != nil {
		return sum, err
	}
	played, err := c.Courier.Query().Where(courier.PinflIn(plan.pinfls()...)).Exist(ctx)
	if err != nil {
		return sum, fmt.Errorf("couriers: %w", err)
	}
	if played {
		return sum, nil
	}
	before, err := rowCounts(ctx, c)
	if err != nil {
		return sum, err
	}
	if err := playDemo(ctx, client, files, plan, &sum); err != nil {
		return sum, err
	}
	after, err := rowCounts(ctx, c)
	if err != nil {
		return sum, err
	}
	sum.Couriers = after[0] - before[0]
	sum.StatusChanges = after[1] - before[1]
	sum.StockBalances = after[2] - before[2]
	sum.Movements = after[3] - before[3]
	sum.Debts = after[4] - before[4]
	return sum, nil
}

// demoFiles remembers the scans stored while the demo plays, so a run that
// fails (and rolls back) removes them instead of leaving orphans.
type demoFiles struct {
	blobstore.Store
	keys []string
}

// Put stores r under a new key and remembers the key.
func (f *demoFiles) Put(ctx context.Context, prefix string, r io.Reader) (string, int64, error) {
	key, n, err := f.Store.Put(ctx, prefix, r)
	if err == nil {
		f.keys = append(f.keys, key)
	}
	return key, n, err
}

func (f *demoFiles) discard(ctx context.Context) {
	for _, k := range f.keys {
		_ = f.Store.Delete(context.WithoutCancel(ctx), k)
	}
}

// rowCounts counts couriers, status changes, balances, movements and debts.
func rowCounts(ctx context.Context, c *ent.Client) ([5]int, error) {
	var n [5]int
	var err error
	for i, q := range []func() (int, error){
		func() (int, error) { return c.Courier.Query().Count(ctx) },
		func() (int, error) { return c.CourierStatusChange.Query().Count(ctx) },
		func() (int, error) { return c.StockBalance.Query().Count(ctx) },
		func() (int, error) { return c.Movement.Query().Count(ctx) },
		func() (int, error) { return c.CourierDebt.Query().Count(ctx) },
	} {
		if n[i], err = q(); err != nil {
			return n, fmt.Errorf("count: %w", err)
		}
	}
	return n, nil
}

// refs are the ids of the reference rows, by their stable keys.
type refs struct {
	regions    map[string]int // code → id
	branches   map[string]int // code → id
	warehouses map[string]int // branch code → warehouse id
	partners   map[string]int // name → id
	equipment  map[string]int // sku → id
}

// reference creates whatever reference rows are missing and returns the ids
// of all of them.
func reference(ctx context.Context, c *ent.Client, sum *Summary) (*refs, error) {
	ref := &refs{map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}}

	existingRegions, err := c.Region.Query().Where(region.CodeIn(codes(regions, func(x regionSpec) string { return x.code })...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	for _, x := range existingRegions {
		ref.regions[x.Code] = x.ID
	}
	for _, x := range regions {
		if _, ok := ref.regions[x.code]; ok {
			continue
		}
		row, err := c.Region.Create().SetCode(x.code).SetName(x.name).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", x.code, err)
		}
		ref.regions[x.code] = row.ID
		sum.Regions++
	}

	existingBranches, err := c.Branch.Query().Where(branch.CodeIn(codes(branches, func(x branchSpec) string { return x.code })...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("branches: %w", err)
	}
	for _, x := range existingBranches {
		ref.branches[x.Code] = x.ID
	}
	for _, x := range branches {
		if _, ok := ref.branches[x.code]; ok {
			continue
		}
		row, err := c.Branch.Create().SetCode(x.code).SetName(x.name).SetAddress(x.address).
			SetRegionID(ref.regions[x.region]).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("branch %s: %w", x.code, err)
		}
		ref.branches[x.code] = row.ID
		sum.Branches++
	}

	whCode := func(b branchSpec) string { return "WH-" + b.code }
	existingWarehouses, err := c.Warehouse.Query().Where(warehouse.CodeIn(codes(branches, whCode)...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("warehouses: %w", err)
	}
	for _, x := range existingWarehouses {
		ref.warehouses[strings.TrimPrefix(x.Code, "WH-")] = x.ID
	}
	for _, x := range branches {
		if _, ok := ref.warehouses[x.code]; ok {
			continue
		}
		row, err := c.Warehouse.Create().SetCode(whCode(x)).SetName("Склад " + x.name).SetAddress(x.address).
			SetBranchID(ref.branches[x.code]).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("warehouse %s: %w", whCode(x), err)
		}
		ref.warehouses[x.code] = row.ID
		sum.Warehouses++
	}

	if err := ensurePartners(ctx, c, partners, ref, sum); err != nil {
		return nil, err
	}

	existingTypes, err := c.EquipmentType.Query().Where(equipmenttype.SkuIn(codes(equipment, func(x equipmentSpec) string { return x.sku })...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("equipment types: %w", err)
	}
	for _, x := range existingTypes {
		ref.equipment[x.Sku] = x.ID
	}
	for _, x := range equipment {
		if _, ok := ref.equipment[x.sku]; ok {
			continue
		}
		row, err := c.EquipmentType.Create().SetSku(x.sku).SetName(x.name).
			SetCategory(equipmenttype.Category(x.category)).SetSize(x.size).
			SetTracking(equipmenttype.TrackingQuantity).
			SetUnitCost(x.cost).SetDepositAmount(x.cost).SetServiceLifeMonths(x.lifeMonths).
			Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("equipment type %s: %w", x.sku, err)
		}
		ref.equipment[x.sku] = row.ID
		sum.EquipmentTypes++
	}
	return ref, nil
}

func ensurePartners(ctx context.Context, c *ent.Client, ps []partnerSpec, ref *refs, sum *Summary) error {
	existing, err := c.Partner.Query().Where(partner.NameIn(codes(ps, func(x partnerSpec) string { return x.name })...)).All(ctx)
	if err != nil {
		return fmt.Errorf("partners: %w", err)
	}
	for _, x := range existing {
		ref.partners[x.Name] = x.ID
	}
	for _, x := range ps {
		if _, ok := ref.partners[x.name]; ok {
			continue
		}
		q := c.Partner.Create().SetName(x.name).SetLegalName(x.legal).SetContactName(x.contact).SetContactPhone(x.phone)
		if x.inn != "" {
			q.SetInn(x.inn)
		}
		row, err := q.Save(ctx)
		if err != nil {
			return fmt.Errorf("partner %q: %w", x.name, err)
		}
		ref.partners[x.name] = row.ID
		sum.Partners++
	}
	return nil
}

func codes[T any](xs []T, key func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = key(x)
	}
	return out
}

func branchesOf(regionCode string) []string {
	var out []string
	for _, b := range branches {
		if b.region == regionCode {
			out = append(out, b.code)
		}
	}
	return out
}
