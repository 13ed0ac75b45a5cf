// Package seed fills a database with data: Demo writes a small realistic
// data set for trying the product, Bench writes couriers by the hundred
// thousand for benchmarks.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/branch"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/ent/region"
	"github.com/mycourier/mycourier/ent/warehouse"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// DemoCouriers is how many couriers Demo plans.
const DemoCouriers = 300

// demoSeed fixes the demo data: the same names, PINFLs and phones on every
// machine, which is also what makes a second run find everything present.
const demoSeed = 20261125

// Summary counts the rows a seed run created.
type Summary struct {
	Regions, Branches, Warehouses, Partners, EquipmentTypes int
	Couriers, StatusChanges, StockBalances, Movements       int
	Elapsed                                                 time.Duration
}

func (s Summary) String() string {
	return fmt.Sprintf("created %d regions, %d branches, %d warehouses, %d partners, %d equipment types, "+
		"%d couriers, %d status changes, %d stock balances, %d movements in %s",
		s.Regions, s.Branches, s.Warehouses, s.Partners, s.EquipmentTypes,
		s.Couriers, s.StatusChanges, s.StockBalances, s.Movements, s.Elapsed.Round(time.Millisecond))
}

// Demo writes the demo data set in one transaction: regions and branches of
// Uzbekistan, a warehouse per branch, logistics partners, equipment types
// with stock received into the warehouses, and DemoCouriers couriers in a
// realistic mix of statuses with their status history. It is idempotent:
// rows are keyed by stable codes, names, SKUs and PINFLs, and a second run
// creates nothing. It creates no users, so no default password ever exists.
func Demo(ctx context.Context, client *ent.Client) (sum Summary, err error) {
	start := time.Now()
	// Seeding is mycourier acting on its own: privacy rules and the audit
	// trail see the system viewer, never an anonymous one.
	ctx = authz.SystemContext(ctx, "seed demo")
	tx, err := client.Tx(ctx)
	if err != nil {
		return sum, fmt.Errorf("seed demo: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			err = fmt.Errorf("seed demo: %w", err)
			return
		}
		if err = tx.Commit(); err != nil {
			err = fmt.Errorf("seed demo: commit: %w", err)
		}
		sum.Elapsed = time.Since(start)
	}()
	c := tx.Client()
	ref, err := reference(ctx, c, &sum)
	if err != nil {
		return sum, err
	}
	r := rand.New(rand.NewPCG(demoSeed, 1)) // #nosec G404 -- deterministic demo data, not a secret
	if err := demoStock(ctx, c, r, ref, &sum); err != nil {
		return sum, err
	}
	partnerIDs := make([]int, len(partners))
	for i, p := range partners {
		partnerIDs[i] = ref.partners[p.name]
	}
	if err := demoCouriers(ctx, c, r, ref, partnerIDs, &sum); err != nil {
		return sum, err
	}
	return sum, nil
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

// demoStock receives equipment into the warehouses: a balance per
// (warehouse, type) and the receipt movement that explains it, so the
// balance equals the sum of its ledger from the first day.
func demoStock(ctx context.Context, c *ent.Client, r *rand.Rand, ref *refs, sum *Summary) error {
	existing, err := c.StockBalance.Query().All(ctx)
	if err != nil {
		return fmt.Errorf("stock balances: %w", err)
	}
	have := map[[2]int]bool{}
	for _, b := range existing {
		have[[2]int{b.WarehouseID, b.EquipmentTypeID}] = true
	}
	received := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	for _, b := range branches {
		// Draw for every pair whether or not it exists, so the plan is the
		// same on every run.
		type line struct {
			sku      string
			qty, min int
		}
		var lines []line
		for _, e := range equipment {
			qty, min := 0, 5
			if b.region == "TAS" {
				qty, min = 20+r.IntN(100), 10
			} else if r.IntN(2) == 0 {
				qty = 5 + r.IntN(36)
			}
			if qty > 0 {
				lines = append(lines, line{e.sku, qty, min})
			}
		}
		wh := ref.warehouses[b.code]
		op := "seed-demo-receipt-" + b.code
		for _, l := range lines {
			et := ref.equipment[l.sku]
			if have[[2]int{wh, et}] {
				continue
			}
			cost := costOf(l.sku)
			if _, err := c.Movement.Create().SetKind("receipt").SetWarehouseID(wh).SetEquipmentTypeID(et).
				SetQuantity(l.qty).SetOperationID(op).SetDocumentNumber("ПР-ДЕМО-" + b.code).
				SetReason("Начальный остаток").SetCondition("new").SetUnitCost(cost).
				SetCreatedAt(received).Save(ctx); err != nil {
				return fmt.Errorf("receipt %s %s: %w", b.code, l.sku, err)
			}
			if _, err := c.StockBalance.Create().SetWarehouseID(wh).SetEquipmentTypeID(et).
				SetQuantity(l.qty).SetMinLevel(l.min).SetCreatedAt(received).SetUpdatedAt(received).
				Save(ctx); err != nil {
				return fmt.Errorf("balance %s %s: %w", b.code, l.sku, err)
			}
			sum.Movements++
			sum.StockBalances++
		}
	}
	return nil
}

func costOf(sku string) int64 {
	for _, e := range equipment {
		if e.sku == sku {
			return e.cost
		}
	}
	return 0
}

// plannedCourier is a courier with its status history, drawn before
// looking at the database so every run draws the same ones.
type plannedCourier struct {
	person
	pinfl, phone, transport, plate string
	status, docStatus              string
	partner, branch                int // 0: none
	doNotRehire                    bool
	history                        []plannedChange
}

type plannedChange struct {
	from, to, reason string
	at               time.Time
}

func demoCouriers(ctx context.Context, c *ent.Client, r *rand.Rand, ref *refs, partnerIDs []int, sum *Summary) error {
	now := time.Now().UTC().Truncate(time.Minute)
	plan := make([]plannedCourier, 0, DemoCouriers)
	seenPINFL, seenPhone := map[string]bool{}, map[string]bool{}
	regionWeights := make([]int, len(regions))
	for i, x := range regions {
		regionWeights[i] = x.weight
	}
	for len(plan) < DemoCouriers {
		p := plannedCourier{person: newPerson(r)}
		id, err := pinfl.Generate(r, p.birth, p.gender)
		if err != nil {
			return err
		}
		p.pinfl = id
		p.phone = randomPhone(r)
		reg := regions[weighted(r, regionWeights)]
		p.branch = ref.branches[pick(r, branchesOf(reg.code))]
		p.transport = transports[weighted(r, transportWeights)]
		if p.transport == "moto" || p.transport == "car" {
			p.plate = plate(r, reg.plate)
		}
		p.partner = partnerIDs[weighted(r, demoPartnerWeights)]
		p.status = []string{"active", "new", "blocked", "fired"}[weighted(r, []int{70, 12, 8, 10})]
		// Times hang off the clock, so they come from a stream of their own:
		// how many numbers a bounded draw consumes depends on the bound, and
		// the main stream must stay identical from run to run.
		tr := rand.New(rand.NewPCG(r.Uint64(), 2)) // #nosec G404 -- deterministic demo data, not a secret
		// Registration somewhere in the last two years; later steps follow it.
		at := now.Add(-time.Duration(1+tr.IntN(730*24)) * time.Hour)
		p.history = []plannedChange{{"", "new", "", at}}
		step := func() time.Time {
			at = at.Add(time.Duration(1+tr.IntN(int(now.Sub(at).Hours()/3)+1)) * time.Hour)
			return at
		}
		switch p.status {
		case "new":
			p.docStatus = []string{"missing", "pending", "pending", "rejected"}[r.IntN(4)]
			if r.IntN(3) == 0 {
				p.partner = 0 // a partner is set before activation
			}
		case "active":
			p.docStatus = "verified"
			p.history = append(p.history, plannedChange{"new", "active", "", step()})
		case "blocked":
			p.docStatus = "verified"
			p.history = append(p.history, plannedChange{"new", "active", "", step()},
				plannedChange{"active", "blocked", pick(r, blockReasons), step()})
		case "fired":
			p.docStatus = "verified"
			p.history = append(p.history, plannedChange{"new", "active", "", step()},
				plannedChange{"active", "fired", pick(r, fireReasons), step()})
			p.doNotRehire = p.history[2].reason == "Нарушение правил" && tr.IntN(2) == 0
		}
		if seenPINFL[p.pinfl] || seenPhone[p.phone] {
			continue
		}
		seenPINFL[p.pinfl], seenPhone[p.phone] = true, true
		plan = append(plan, p)
	}

	all := make([]string, len(plan))
	for i, p := range plan {
		all[i] = p.pinfl
	}
	existing, err := c.Courier.Query().Where(courier.PinflIn(all...)).Select(courier.FieldPinfl).Strings(ctx)
	if err != nil {
		return fmt.Errorf("couriers: %w", err)
	}
	have := map[string]bool{}
	for _, s := range existing {
		have[s] = true
	}
	var todo []plannedCourier
	for _, p := range plan {
		if !have[p.pinfl] {
			todo = append(todo, p)
		}
	}
	const chunk = 100
	for len(todo) > 0 {
		n := min(chunk, len(todo))
		batch := todo[:n]
		todo = todo[n:]
		builders := make([]*ent.CourierCreate, len(batch))
		for i, p := range batch {
			first, last := p.history[0], p.history[len(p.history)-1]
			b := c.Courier.Create().
				SetLastName(p.last).SetFirstName(p.first).SetMiddleName(p.middle).
				SetPhone(p.phone).SetPinfl(p.pinfl).SetBirthDate(p.birth).
				SetGender(courier.Gender(p.gender)).
				SetTransportType(courier.TransportType(p.transport)).SetVehiclePlate(p.plate).
				SetDocumentStatus(courier.DocumentStatus(p.docStatus)).
				SetStatus(courier.Status(p.status)).SetStatusChangedAt(last.at).
				SetDoNotRehire(p.doNotRehire).SetBranchID(p.branch).
				SetCreatedAt(first.at).SetUpdatedAt(last.at)
			if p.partner != 0 {
				b.SetPartnerID(p.partner)
			}
			if len(p.history) > 1 {
				b.SetHiredAt(p.history[1].at)
			}
			if p.status == "fired" {
				b.SetFiredAt(last.at)
			}
			builders[i] = b
		}
		created, err := c.Courier.CreateBulk(builders...).Save(ctx)
		if err != nil {
			return fmt.Errorf("couriers: %w", err)
		}
		sum.Couriers += len(created)
		var changes []*ent.CourierStatusChangeCreate
		for i, p := range batch {
			for _, h := range p.history {
				ch := c.CourierStatusChange.Create().SetCourierID(created[i].ID).
					SetToStatus(courierstatuschange.ToStatus(h.to)).SetCreatedAt(h.at)
				if h.from != "" {
					ch.SetFromStatus(courierstatuschange.FromStatus(h.from))
				}
				if h.reason != "" {
					ch.SetReason(h.reason)
				}
				changes = append(changes, ch)
			}
		}
		if _, err := c.CourierStatusChange.CreateBulk(changes...).Save(ctx); err != nil {
			return fmt.Errorf("status history: %w", err)
		}
		sum.StatusChanges += len(changes)
	}
	return nil
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
