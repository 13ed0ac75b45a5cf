package seed

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/kit"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// The demo's history is planned first, as a list of service calls at
// points of a two-year timeline, from the fixed seed and without looking
// at the database; then the calls are played in time order on a clock the
// services read (their Now option), so every row they stamp — status
// history, documents, ledger, transfers, debts and the daily summaries
// counted from them — carries the time the plan gave it.

// demoClock is the services' clock while the demo plays.
type demoClock struct{ t time.Time }

func (c *demoClock) Now() time.Time { return c.t }

// demoEvent is one service call of the plan.
type demoEvent struct {
	at   time.Time
	seq  int // plan order breaks ties of at
	name string
	do   func(p *player) error
}

type demoPlan struct {
	now      time.Time
	couriers []*demoCourier
	events   []demoEvent
	// demand is what the plan takes out of each warehouse's stock
	// (warehouse id, type id → units); the opening receipts cover it.
	demand map[[2]int]int
	ref    *refs
}

// demoCourier is a planned courier; id and docs are filled as it plays.
type demoCourier struct {
	person
	pinfl, phone, plate string
	transport           courier.TransportType
	partner, branch     int // 0: none
	warehouse           int // the branch's warehouse: issues and returns
	jacket              string
	held                map[string]int // sku → units, as planned

	id   int
	docs map[courierdocument.Kind]int // current document ids
}

type demoLine struct {
	sku string
	qty int
	// damaged marks a returned line that goes to quarantine.
	damaged bool
}

func (p *demoPlan) pinfls() []string {
	out := make([]string, len(p.couriers))
	for i, c := range p.couriers {
		out[i] = c.pinfl
	}
	return out
}

func (p *demoPlan) add(at time.Time, name string, do func(*player) error) {
	p.events = append(p.events, demoEvent{at: at, seq: len(p.events), name: name, do: do})
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// planDemo draws the couriers and their stories, and the warehouse
// operations around them.
func planDemo(now time.Time, ref *refs, partnerIDs []int) (*demoPlan, error) {
	p := &demoPlan{now: now, demand: map[[2]int]int{}, ref: ref}
	r := rand.New(rand.NewPCG(demoSeed, 1)) // #nosec G404 -- deterministic demo data, not a secret
	seenPINFL, seenPhone := map[string]bool{}, map[string]bool{}
	regionWeights := make([]int, len(regions))
	for i, x := range regions {
		regionWeights[i] = x.weight
	}
	for len(p.couriers) < DemoCouriers {
		c := &demoCourier{person: newPerson(r), held: map[string]int{}, docs: map[courierdocument.Kind]int{}}
		id, err := pinfl.Generate(r, c.birth, c.gender)
		if err != nil {
			return nil, err
		}
		c.pinfl = id
		c.phone = randomPhone(r)
		reg := regions[weighted(r, regionWeights)]
		b := pick(r, branchesOf(reg.code))
		c.branch, c.warehouse = ref.branches[b], ref.warehouses[b]
		c.transport = courier.TransportType(transports[weighted(r, transportWeights)])
		c.plate = vehiclePlate(r, reg.plate, string(c.transport))
		c.partner = partnerIDs[weighted(r, demoPartnerWeights)]
		c.jacket = []string{"JKT-S", "JKT-M", "JKT-L", "JKT-XL"}[weighted(r, []int{15, 40, 30, 15})]
		status := []string{"active", "new", "blocked", "fired"}[weighted(r, []int{70, 12, 8, 10})]
		// The story's own stream: how many numbers it draws varies, and
		// the main stream must stay the same from courier to courier.
		tr := rand.New(rand.NewPCG(r.Uint64(), 2)) // #nosec G404 -- deterministic demo data, not a secret
		if seenPINFL[c.pinfl] || seenPhone[c.phone] {
			continue
		}
		seenPINFL[c.pinfl], seenPhone[c.phone] = true, true
		p.couriers = append(p.couriers, c)
		switch status {
		case "new":
			p.storyNew(c, tr)
		case "active":
			p.storyActive(c, tr)
		case "blocked":
			p.storyBlocked(c, tr)
		case "fired":
			p.storyFired(c, tr)
		}
	}
	p.warehouses(r)
	slices.SortStableFunc(p.events, func(a, b demoEvent) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	return p, nil
}

func hoursBetween(tr *rand.Rand, from, to time.Time) time.Time {
	h := int(to.Sub(from).Hours())
	if h < 1 {
		return from
	}
	return from.Add(time.Duration(1+tr.IntN(h)) * time.Hour)
}

// registered draws a registration that leaves room for a story of at
// least minAge before now.
func (p *demoPlan) registered(tr *rand.Rand, minAge time.Duration) time.Time {
	return p.now.Add(-minAge - time.Duration(tr.IntN(int((days(730)-minAge).Hours())))*time.Hour)
}

// --- couriers ---------------------------------------------------------

func (p *demoPlan) storyNew(c *demoCourier, tr *rand.Rand) {
	switch n := tr.IntN(10); {
	case n < 2: // registered, nothing handed in yet; a partner comes later
		at := p.registered(tr, days(1))
		if tr.IntN(2) == 0 {
			c.partner = 0
		}
		p.onboard(c, at)
		if tr.IntN(2) == 0 {
			p.identity(c, tr, at.Add(2*time.Hour))
		}
	case n < 5: // documents handed in, waiting for review
		at := p.now.Add(-time.Duration(2+tr.IntN(20*24)) * time.Hour)
		p.onboard(c, at)
		p.documents(c, tr, at.Add(time.Hour))
		p.transition(c, couriersvc.ActSubmit, "", "", at.Add(2*time.Hour))
	case n < 8: // a scan rejected
		at := p.now.Add(-time.Duration(24+tr.IntN(40*24)) * time.Hour)
		p.onboard(c, at)
		p.documents(c, tr, at.Add(time.Hour))
		p.review(c, courierdocument.KindPhoto, "Фото нечёткое, нужно переснять на светлом фоне", at.Add(26*time.Hour))
		for _, k := range []courierdocument.Kind{courierdocument.KindContract, courierdocument.KindMedicalCertificate} {
			p.review(c, k, "", at.Add(27*time.Hour))
		}
	default: // worked, left, and came back: rehired, waiting for activation again
		reg := p.registered(tr, days(120))
		fired := hoursBetween(tr, reg.Add(days(40)), p.now.Add(-days(30)))
		p.hire(c, tr, reg, fired)
		p.returnAll(c, tr, fired.Add(-time.Duration(2+tr.IntN(30))*time.Hour), false)
		p.transition(c, couriersvc.ActFire, "own_wish", "", fired)
		p.transition(c, couriersvc.ActRehire, "", "", hoursBetween(tr, fired.Add(days(7)), p.now))
	}
}

func (p *demoPlan) storyActive(c *demoCourier, tr *rand.Rand) {
	reg := p.registered(tr, days(10))
	lapse := tr.IntN(100) < 8 // a medical certificate left to run out
	hired := p.hireWith(c, tr, reg, p.now, lapse)
	if p.now.Sub(hired) > days(60) && tr.IntN(100) < 20 {
		from := hoursBetween(tr, hired.Add(days(10)), p.now.Add(-days(20)))
		p.transition(c, couriersvc.ActBlock, "no_show", pick(tr, noShowComments), from)
		p.transition(c, couriersvc.ActUnblock, "", "Объяснительная получена", from.Add(time.Duration(24+tr.IntN(9*24))*time.Hour))
	}
	if p.now.Sub(hired) > days(200) && tr.IntN(100) < 30 {
		// The bag wore out: the old one back, a new one out.
		at := hoursBetween(tr, hired.Add(days(150)), p.now.Add(-days(2)))
		p.returnLines(c, at, []demoLine{{sku: "BAG-THERMO-40", qty: 1, damaged: tr.IntN(2) == 0}}, "Замена изношенной термосумки", tr)
		p.issue(c, at.Add(time.Hour), []demoLine{{sku: "BAG-THERMO-40", qty: 1}})
	}
	if tr.IntN(100) < 3 {
		at := hoursBetween(tr, hired.Add(days(3)), p.now.Add(-time.Hour))
		p.writeOffHeld(c, at, stocksvc.ReasonStolen, []demoLine{{sku: "PWB-10K", qty: 1}},
			"Украден из камеры хранения, заявление в ОВД")
	}
}

func (p *demoPlan) storyBlocked(c *demoCourier, tr *rand.Rand) {
	reg := p.registered(tr, days(30))
	expired := p.now.Sub(reg) > days(400) && tr.IntN(2) == 0
	hired, lastExpiry := p.hireMedical(c, tr, reg, p.now, expired)
	if expired && lastExpiry.Before(p.now.Add(-days(4))) {
		// The certificate ran out: blocked the next days, no comment needed.
		p.transition(c, couriersvc.ActBlock, "documents_expired", "", lastExpiry.Add(time.Duration(25+tr.IntN(48))*time.Hour))
		return
	}
	at := hoursBetween(tr, hired.Add(days(7)), p.now.Add(-time.Hour))
	reason := []string{"no_show", "customer_complaint", "security_check"}[tr.IntN(3)]
	p.transition(c, couriersvc.ActBlock, reason, blockComments[reason][tr.IntN(len(blockComments[reason]))], at)
}

func (p *demoPlan) storyFired(c *demoCourier, tr *rand.Rand) {
	reg := p.registered(tr, days(40))
	fired := hoursBetween(tr, reg.Add(days(30)), p.now.Add(-days(1)))
	p.hire(c, tr, reg, fired)
	switch n := tr.IntN(100); {
	case n < 55: // left of their own will, handed everything back
		p.returnAll(c, tr, fired.Add(-time.Duration(1+tr.IntN(36))*time.Hour), true)
		p.transition(c, couriersvc.ActFire, "own_wish", "", fired)
	case n < 80: // lost the power bank: booked as debt, the rest returned
		p.writeOffHeld(c, fired.Add(-48*time.Hour), stocksvc.ReasonLost, []demoLine{{sku: "PWB-10K", qty: 1}},
			"Курьер сообщил о потере")
		p.returnAll(c, tr, fired.Add(-24*time.Hour), true)
		p.transition(c, couriersvc.ActFire, "other", "Переезд в другой город", fired)
	default: // dismissed without returning anything: forced, the equipment becomes debt
		if tr.IntN(2) == 0 {
			p.transition(c, couriersvc.ActBlock, "security_check", "Жалобы партнёра, проверка СБ", fired.Add(-days(1)))
		}
		reason, comment := "discipline", "Систематические нарушения, на связь не выходит, экипировку не вернул"
		if tr.IntN(3) == 0 {
			reason, comment = "fraud", "Подтверждённые махинации с заказами, экипировка не возвращена"
		}
		p.fireForced(c, reason, comment, fired)
		if reason == "fraud" {
			p.add(fired.Add(time.Hour), "do-not-rehire", func(pl *player) error {
				_, err := pl.couriers.SetDoNotRehire(pl.ctx, c.id, true)
				return err
			})
		}
	}
}

var (
	noShowComments = []string{"Два невыхода на смену без предупреждения", "Не вышел на смену, не отвечал на звонки"}
	blockComments  = map[string][]string{
		"no_show":            noShowComments,
		"customer_complaint": {"Клиент пожаловался на грубость", "Повторные жалобы на опоздания"},
		"security_check":     {"Проверка по запросу СБ", "Совпадение с базой недобросовестных курьеров, проверка СБ"},
	}
)

// hire plays registration, documents, activation and the first kit;
// it returns when the courier was activated. Documents stay current until end.
func (p *demoPlan) hire(c *demoCourier, tr *rand.Rand, reg, end time.Time) time.Time {
	return p.hireWith(c, tr, reg, end, false)
}

func (p *demoPlan) hireWith(c *demoCourier, tr *rand.Rand, reg, end time.Time, lapse bool) time.Time {
	hired, _ := p.hireMedical(c, tr, reg, end, lapse)
	return hired
}

func (p *demoPlan) hireMedical(c *demoCourier, tr *rand.Rand, reg, end time.Time, lapse bool) (hired, lastExpiry time.Time) {
	p.onboard(c, reg)
	docsAt := reg.Add(time.Duration(1+tr.IntN(30)) * time.Hour)
	reviewed := docsAt.Add(time.Duration(2+tr.IntN(48)) * time.Hour)
	lastExpiry = p.documentsUntil(c, tr, docsAt, true, reviewed, end, lapse)
	hired = reviewed.Add(time.Duration(1+tr.IntN(5*24)) * time.Hour)
	p.transition(c, couriersvc.ActSubmit, "", "", reviewed.Add(-time.Hour))
	p.transition(c, couriersvc.ActActivate, "", "", hired)
	p.issueKit(c, hired.Add(time.Duration(1+tr.IntN(20))*time.Hour))
	return hired, lastExpiry
}

// demoKits are the starter kits, one per transport type; the jacket is
// issued with the kit in the courier's size.
var demoKits = []struct {
	name      string
	transport courier.TransportType
}{
	{"Комплект пешего курьера", courier.TransportTypeFoot},
	{"Комплект велокурьера", courier.TransportTypeBicycle},
	{"Комплект курьера на самокате", courier.TransportTypeScooter},
	{"Комплект мотокурьера", courier.TransportTypeMoto},
	{"Комплект автокурьера", courier.TransportTypeCar},
}

func kitLinesOf(t courier.TransportType) []demoLine {
	lines := []demoLine{{sku: "BAG-THERMO-40", qty: 1}, {sku: "PWB-10K", qty: 1}}
	switch t {
	case courier.TransportTypeBicycle, courier.TransportTypeScooter, courier.TransportTypeMoto:
		lines = append(lines, demoLine{sku: "HLM-STD", qty: 1}, demoLine{sku: "PHH-BIKE", qty: 1})
	}
	return lines
}

func (p *demoPlan) onboard(c *demoCourier, at time.Time) {
	p.add(at, "onboard", func(pl *player) error {
		in := couriersvc.OnboardInput{
			LastName: c.last, FirstName: c.first, Phone: c.phone, PINFL: c.pinfl, BirthDate: &c.birth,
			TransportType: c.transport, BranchID: &c.branch,
		}
		if c.middle != "" {
			in.MiddleName = &c.middle
		}
		if c.plate != "" {
			in.VehiclePlate = &c.plate
		}
		if c.partner != 0 {
			in.PartnerID = &c.partner
		}
		cr, err := pl.couriers.Onboard(pl.ctx, in)
		if err != nil {
			return err
		}
		c.id = cr.ID
		return nil
	})
}

// identity hands in a passport or an ID card.
func (p *demoPlan) identity(c *demoCourier, tr *rand.Rand, at time.Time) {
	issued := dateOf(at.AddDate(0, 0, -30-tr.IntN(3000)))
	if adult := c.birth.AddDate(16, 0, 0); issued.Before(adult) {
		issued = dateOf(adult)
	}
	if issued.After(at) {
		issued = dateOf(at)
	}
	expires := issued.AddDate(10, 0, 0)
	if expires.Before(p.now.AddDate(0, 3, 0)) {
		issued = dateOf(at.AddDate(0, 0, -30))
		expires = issued.AddDate(10, 0, 0)
	}
	kind, series := courierdocument.KindPassport, []string{"AA", "AB", "AC", "FA"}[tr.IntN(4)]
	if tr.IntN(3) == 0 {
		kind, series = courierdocument.KindIDCard, "AD"
	}
	p.document(c, kind, fmt.Sprintf("%s%07d", series, tr.IntN(10_000_000)), &issued, &expires, at)
}

// documents hands in every required document at at, for review.
func (p *demoPlan) documents(c *demoCourier, tr *rand.Rand, at time.Time) {
	p.documentsUntil(c, tr, at, false, at, p.now, false)
}

// documentsUntil hands in the documents at at (reviewed at reviewed when
// verify) and renews the medical certificate, valid a year, until end;
// lapse skips the last renewal, so the certificate runs out. It returns
// the expiry of the last certificate.
func (p *demoPlan) documentsUntil(c *demoCourier, tr *rand.Rand, at time.Time, verify bool, reviewed, end time.Time, lapse bool) time.Time {
	p.identity(c, tr, at)
	day := dateOf(at)
	p.document(c, courierdocument.KindContract, fmt.Sprintf("ДОГ-%d-%05d", at.Year(), tr.IntN(100_000)), &day, nil, at)
	p.document(c, courierdocument.KindPhoto, "", nil, nil, at)
	med := dateOf(at.AddDate(0, 0, -tr.IntN(20)))
	medExp := med.AddDate(1, 0, 0)
	p.document(c, courierdocument.KindMedicalCertificate, fmt.Sprintf("086/у-%06d", tr.IntN(1_000_000)), &med, &medExp, at)
	if couriersvc.NeedsPlate(c.transport) {
		lic := dateOf(at.AddDate(0, 0, -30-tr.IntN(2500)))
		if adult := c.birth.AddDate(18, 0, 0); lic.Before(adult) {
			lic = dateOf(adult)
		}
		if lic.After(at) {
			lic = dateOf(at)
		}
		licExp := lic.AddDate(10, 0, 0)
		if licExp.Before(p.now.AddDate(0, 3, 0)) {
			lic = dateOf(at.AddDate(0, 0, -30))
			licExp = lic.AddDate(10, 0, 0)
		}
		p.document(c, courierdocument.KindDriverLicense, fmt.Sprintf("AF%07d", tr.IntN(10_000_000)), &lic, &licExp, at)
	}
	if verify {
		for _, k := range []courierdocument.Kind{courierdocument.KindPassport, courierdocument.KindIDCard, courierdocument.KindContract,
			courierdocument.KindPhoto, courierdocument.KindMedicalCertificate, courierdocument.KindDriverLicense} {
			p.review(c, k, "", reviewed)
		}
	}
	// Yearly renewals of the medical certificate, a few weeks ahead.
	var renewals []time.Time
	for exp := medExp; ; {
		renew := exp.Add(-days(3 + tr.IntN(25))).Add(time.Duration(9+tr.IntN(8)) * time.Hour)
		if !renew.Before(end) || !renew.Before(p.now) {
			break
		}
		renewals = append(renewals, renew)
		exp = dateOf(renew).AddDate(1, 0, 0)
	}
	if lapse && len(renewals) > 0 {
		renewals = renewals[:len(renewals)-1]
	}
	for _, at := range renewals {
		issued := dateOf(at)
		expires := issued.AddDate(1, 0, 0)
		medExp = expires
		p.document(c, courierdocument.KindMedicalCertificate, fmt.Sprintf("086/у-%06d", tr.IntN(1_000_000)), &issued, &expires, at)
		p.review(c, courierdocument.KindMedicalCertificate, "", at.Add(time.Duration(2+tr.IntN(30))*time.Hour))
	}
	return medExp
}

func (p *demoPlan) document(c *demoCourier, kind courierdocument.Kind, number string, issued, expires *time.Time, at time.Time) {
	p.add(at, "add document "+string(kind), func(pl *player) error {
		in := couriersvc.DocumentInput{CourierID: c.id, Kind: kind, IssuedAt: issued, ExpiresAt: expires}
		if number != "" {
			in.Number = &number
		}
		scan, name := demoPDF, string(kind)+".pdf"
		if kind == courierdocument.KindPhoto {
			scan, name = demoPNG, "photo.png"
		}
		in.File = &couriersvc.File{Name: name, Size: int64(len(scan)), Content: bytes.NewReader(scan)}
		d, err := pl.couriers.AddDocument(pl.ctx, in)
		if err != nil {
			return err
		}
		c.docs[kind] = d.ID
		pl.sum.Documents++
		return nil
	})
}

// review verifies the courier's current document of kind (if it has one),
// or rejects it with reason.
func (p *demoPlan) review(c *demoCourier, kind courierdocument.Kind, reason string, at time.Time) {
	p.add(at, "review "+string(kind), func(pl *player) error {
		id, ok := c.docs[kind]
		if !ok {
			return nil // the other document of the group was handed in
		}
		var err error
		if reason == "" {
			_, err = pl.couriers.VerifyDocument(pl.ctx, id)
		} else {
			_, err = pl.couriers.RejectDocument(pl.ctx, id, reason)
		}
		return err
	})
}

func (p *demoPlan) transition(c *demoCourier, a couriersvc.Action, reason, comment string, at time.Time) {
	p.transitionIn(c, a, couriersvc.TransitionInput{Reason: reason, Comment: comment}, at)
}

func (p *demoPlan) fireForced(c *demoCourier, reason, comment string, at time.Time) {
	p.transitionIn(c, couriersvc.ActFire, couriersvc.TransitionInput{Reason: reason, Comment: comment, Force: true}, at)
	clear(c.held)
}

func (p *demoPlan) transitionIn(c *demoCourier, a couriersvc.Action, in couriersvc.TransitionInput, at time.Time) {
	p.add(at, string(a), func(pl *player) error {
		var err error
		switch a {
		case couriersvc.ActSubmit:
			_, err = pl.couriers.Submit(pl.ctx, c.id, in)
		case couriersvc.ActActivate:
			_, err = pl.couriers.Activate(pl.ctx, c.id, in)
		case couriersvc.ActBlock:
			_, err = pl.couriers.Block(pl.ctx, c.id, in)
		case couriersvc.ActUnblock:
			_, err = pl.couriers.Unblock(pl.ctx, c.id, in)
		case couriersvc.ActFire:
			_, err = pl.couriers.Fire(pl.ctx, c.id, in)
		case couriersvc.ActRehire:
			_, err = pl.couriers.Rehire(pl.ctx, c.id, in)
		}
		return err
	})
}

// --- equipment --------------------------------------------------------

func (p *demoPlan) lines(ls []demoLine) []*stocksvc.Line {
	out := make([]*stocksvc.Line, len(ls))
	for i, l := range ls {
		q := l.qty
		out[i] = &stocksvc.Line{EquipmentTypeID: p.ref.equipment[l.sku], Quantity: &q}
		if l.damaged {
			d := item.ConditionDamaged
			out[i].Condition = &d
		}
	}
	return out
}

func (p *demoPlan) take(warehouse int, ls []demoLine) {
	for _, l := range ls {
		p.demand[[2]int{warehouse, p.ref.equipment[l.sku]}] += l.qty
	}
}

func (p *demoPlan) issue(c *demoCourier, at time.Time, ls []demoLine) {
	p.issueWith(c, at, ls, false)
}

// issueKit hands the courier the kit of their transport and a jacket of
// their size.
func (p *demoPlan) issueKit(c *demoCourier, at time.Time) {
	ls := []demoLine{{sku: c.jacket, qty: 1}}
	for _, l := range kitLinesOf(c.transport) {
		p.take(c.warehouse, []demoLine{l})
		c.held[l.sku] += l.qty
	}
	p.issueWith(c, at, ls, true)
}

func (p *demoPlan) issueWith(c *demoCourier, at time.Time, ls []demoLine, kit bool) {
	p.take(c.warehouse, ls)
	for _, l := range ls {
		c.held[l.sku] += l.qty
	}
	lines := p.lines(ls)
	p.add(at, "issue", func(pl *player) error {
		in := stocksvc.IssueInput{WarehouseID: c.warehouse, CourierID: c.id, Lines: lines}
		if kit {
			id := pl.kits[c.transport]
			in.KitID = &id
		}
		_, err := pl.stock.Issue(pl.ctx, in)
		pl.sum.Issues++
		return err
	})
}

// kits creates the starter kits the demo issues (those missing by name).
func (p *demoPlan) kits(at time.Time) {
	p.add(at, "kits", func(pl *player) error {
		for _, k := range demoKits {
			existing, err := ent.TxFromContext(pl.ctx).Kit.Query().Where(kit.Name(k.name)).Only(pl.ctx)
			switch {
			case err == nil:
				pl.kits[k.transport] = existing.ID
				continue
			case !ent.IsNotFound(err):
				return err
			}
			var lines []*stocksvc.KitLine
			for _, l := range kitLinesOf(k.transport) {
				lines = append(lines, &stocksvc.KitLine{EquipmentTypeID: p.ref.equipment[l.sku], Quantity: l.qty})
			}
			desc := "Выдаётся при активации вместе с курьерской курткой по размеру"
			created, err := pl.stock.CreateKit(pl.ctx, stocksvc.KitInput{Name: k.name, TransportType: kit.TransportType(k.transport),
				Description: &desc, Lines: lines})
			if err != nil {
				return err
			}
			pl.kits[k.transport] = created.ID
		}
		return nil
	})
}

// returnAll takes back what the courier holds; a few units come back damaged.
func (p *demoPlan) returnAll(c *demoCourier, tr *rand.Rand, at time.Time, someDamaged bool) {
	var ls []demoLine
	for _, e := range equipment {
		if n := c.held[e.sku]; n > 0 {
			ls = append(ls, demoLine{sku: e.sku, qty: n, damaged: someDamaged && tr.IntN(5) == 0})
		}
	}
	if len(ls) > 0 {
		p.returnLines(c, at, ls, "Возврат при увольнении", tr)
	}
}

// returnLines takes lines back; damaged units go to quarantine and most
// are written off there a few days later.
func (p *demoPlan) returnLines(c *demoCourier, at time.Time, ls []demoLine, comment string, tr *rand.Rand) {
	for _, l := range ls {
		c.held[l.sku] -= l.qty
	}
	lines := p.lines(ls)
	p.add(at, "return", func(pl *player) error {
		_, err := pl.stock.Return(pl.ctx, stocksvc.ReturnInput{WarehouseID: c.warehouse, CourierID: c.id, Lines: lines, Comment: &comment})
		pl.sum.Returns++
		return err
	})
	var damaged []demoLine
	for _, l := range ls {
		if l.damaged {
			damaged = append(damaged, demoLine{sku: l.sku, qty: l.qty})
		}
	}
	if off := at.Add(days(3 + tr.IntN(8))); len(damaged) > 0 && off.Before(p.now) && tr.IntN(4) > 0 {
		p.writeOffStock(c.warehouse, off, stocksvc.ReasonDamaged, true, damaged, "Ремонту не подлежит")
	}
}

func (p *demoPlan) writeOffHeld(c *demoCourier, at time.Time, reason string, ls []demoLine, comment string) {
	for _, l := range ls {
		c.held[l.sku] -= l.qty
	}
	lines := p.lines(ls)
	p.add(at, "write off held", func(pl *player) error {
		_, err := pl.stock.WriteOff(pl.ctx, stocksvc.WriteOffInput{WarehouseID: c.warehouse, CourierID: &c.id,
			Reason: reason, Lines: lines, Comment: &comment})
		pl.sum.WriteOffs++
		return err
	})
}

func (p *demoPlan) writeOffStock(warehouse int, at time.Time, reason string, quarantine bool, ls []demoLine, comment string) {
	if !quarantine {
		p.take(warehouse, ls)
	}
	lines := p.lines(ls)
	p.add(at, "write off", func(pl *player) error {
		q := quarantine
		_, err := pl.stock.WriteOff(pl.ctx, stocksvc.WriteOffInput{WarehouseID: warehouse, Reason: reason,
			FromQuarantine: &q, Lines: lines, Comment: &comment})
		pl.sum.WriteOffs++
		return err
	})
}

// transfer dispatches lines between warehouses; received is nil for one
// still in transit, and arrived lists what came of each line.
func (p *demoPlan) transfer(from, to string, at time.Time, ls []demoLine, received *time.Time, arrived []int) {
	fw, tw := p.ref.warehouses[from], p.ref.warehouses[to]
	p.take(fw, ls)
	lines := p.lines(ls)
	comment := "Пополнение склада " + to
	var id int
	p.add(at, "dispatch transfer", func(pl *player) error {
		res, err := pl.stock.Dispatch(pl.ctx, stocksvc.DispatchInput{FromWarehouseID: fw, ToWarehouseID: tw, Lines: lines, Comment: &comment})
		if err != nil {
			return err
		}
		id = res.Transfer.ID
		pl.sum.Transfers++
		return nil
	})
	if received == nil {
		return
	}
	var got []*stocksvc.ReceivedLine
	for i, l := range ls {
		n := arrived[i]
		got = append(got, &stocksvc.ReceivedLine{EquipmentTypeID: p.ref.equipment[l.sku], QuantityReceived: &n})
	}
	p.add(*received, "receive transfer", func(pl *player) error {
		_, err := pl.stock.ReceiveTransfer(pl.ctx, stocksvc.ReceiveTransferInput{TransferID: id, Lines: got})
		return err
	})
}

// warehouses plans the stock side: transfers and write-offs between the
// couriers' issues and returns, then the opening receipts that cover all
// of it, a recent replenishment, and the low-stock thresholds.
func (p *demoPlan) warehouses(r *rand.Rand) {
	day := func(n int) time.Time { return dateOf(p.now.Add(-days(n))).Add(10 * time.Hour) }
	at := func(t time.Time) *time.Time { return &t }
	p.transfer("TAS-CHL", "SAM-CEN", day(150), []demoLine{{sku: "BAG-THERMO-40", qty: 10}, {sku: "JKT-M", qty: 6}},
		at(day(148)), []int{10, 6})
	// One power bank went missing on the way: a transit shortage.
	p.transfer("TAS-YUN", "FER-CEN", day(40), []demoLine{{sku: "PWB-10K", qty: 8}, {sku: "HLM-STD", qty: 5}},
		at(day(38)), []int{7, 5})
	p.transfer("TAS-MUL", "BUK-CEN", day(2), []demoLine{{sku: "BAG-THERMO-40", qty: 5}, {sku: "JKT-L", qty: 4}}, nil, nil)
	p.writeOffStock(p.ref.warehouses["TAS-CHL"], day(100), stocksvc.ReasonWornOut, false,
		[]demoLine{{sku: "JKT-M", qty: 2}, {sku: "JKT-L", qty: 1}}, "Списание по акту инвентаризации")
	p.writeOffStock(p.ref.warehouses["SAM-CEN"], day(20), stocksvc.ReasonDamaged, false,
		[]demoLine{{sku: "HLM-STD", qty: 1}}, "Трещина корпуса, повреждён при разгрузке")

	opening := p.now.Add(-days(760)).Truncate(24 * time.Hour).Add(9 * time.Hour)
	p.kits(opening)
	for _, b := range branches {
		wh := p.ref.warehouses[b.code]
		var ls []demoLine
		for _, e := range equipment {
			need := p.demand[[2]int{wh, p.ref.equipment[e.sku]}]
			spare := 2 + r.IntN(6)
			if b.region == "TAS" {
				spare = 10 + r.IntN(40)
			}
			if need > 0 || b.region == "TAS" || r.IntN(2) == 0 {
				ls = append(ls, demoLine{sku: e.sku, qty: need + spare})
			}
		}
		p.receipt(wh, opening, ls, "Начальный остаток")
		min := 5
		if b.region == "TAS" {
			min = 10
			p.receipt(wh, day(60+r.IntN(20)), []demoLine{{sku: "BAG-THERMO-40", qty: 20 + r.IntN(30)}, {sku: "PWB-10K", qty: 10 + r.IntN(20)}},
				"ООО «Termo Bag Textile»")
		}
		for _, l := range ls {
			typeID := p.ref.equipment[l.sku]
			p.add(p.now, "min level", func(pl *player) error {
				_, err := pl.stock.SetMinLevel(pl.ctx, wh, typeID, min)
				return err
			})
		}
	}
}

func (p *demoPlan) receipt(wh int, at time.Time, ls []demoLine, supplier string) {
	lines := p.lines(ls)
	p.add(at, "receive", func(pl *player) error {
		_, err := pl.stock.Receive(pl.ctx, stocksvc.ReceiveInput{WarehouseID: wh, Lines: lines, Supplier: &supplier})
		pl.sum.Receipts++
		return err
	})
}

// --- playing ----------------------------------------------------------

type player struct {
	ctx      context.Context
	couriers *couriersvc.Service
	stock    *stocksvc.Service
	sum      *Summary
	kits     map[courier.TransportType]int
}

// playDemo builds the services over client, as the application does, on
// the demo's clock, and plays the plan in time order in the transaction
// ctx carries. Expired documents are then re-derived as the server's
// hourly job does.
func playDemo(ctx context.Context, client *ent.Client, docs blobstore.Store, plan *demoPlan, sum *Summary) error {
	clk := &demoClock{t: plan.now}
	stock := stocksvc.New(client, stocksvc.Config{Now: clk.Now})
	couriers, err := couriersvc.New(client, couriersvc.Options{
		Documents: docs,
		Equipment: stock,
		Now:       clk.Now,
		SettleDebt: func(ctx context.Context, courierID int, key string) error {
			_, err := stock.SettleAsLost(ctx, courierID, key)
			return err
		},
	})
	if err != nil {
		return err
	}
	pl := &player{ctx: ctx, couriers: couriers, stock: stock, sum: sum, kits: map[courier.TransportType]int{}}
	for _, e := range plan.events {
		clk.t = e.at
		if err := e.do(pl); err != nil {
			return fmt.Errorf("%s at %s: %w", e.name, e.at.Format(time.RFC3339), err)
		}
	}
	clk.t = plan.now
	if _, err := couriers.RefreshExpired(ctx); err != nil {
		return err
	}
	return nil
}

// The scans the demo's documents carry: a one-page PDF and a small PNG.
var (
	demoPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" +
		"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
	demoPNG = func() []byte {
		img := image.NewGray(image.Rect(0, 0, 8, 8))
		for i := range img.Pix {
			img.Pix[i] = 0xd0
		}
		img.SetGray(4, 4, color.Gray{Y: 0x40})
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			panic(err)
		}
		return b.Bytes()
	}()
)
