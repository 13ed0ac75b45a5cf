package authz

import (
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/entql"
)

// Row-level scope: each predicate is written once, below, as data (a Rule),
// and everything that narrows rows to a viewer's scope is derived from it:
//
//   - the ent privacy filter (Bound.EntQL, applied by Policy to every query,
//     count, node(id:), nested edge, update and file route);
//   - raw SQL fragments with placeholders for PostgreSQL ($n) and SQLite
//     (?n) (Bound.SQL, ScopeSQL: the stock and analytics queries);
//   - a Go predicate over one row (Bound.Match: the analytics service's
//     warehouse list).
//
// The combination rule (DESIGN.md: a manager sees "only the partners /
// regions / warehouses assigned to them"; docs/rbac.md: "each assigned
// dimension narrows"): the lists assigned to a viewer are combined with
// AND. A user scoped to warehouses {W1} and regions {R1} sees W1 only if W1
// is in R1; a courier is seen when its partner is one of the viewer's
// partners AND its branch is in one of the viewer's regions. A list that is
// not assigned does not narrow. A transfer is the one record with two
// warehouses: it is seen when either side is in scope.

// Dimension names one list of a viewer's Scope.
type Dimension string

// The lists a viewer may be assigned.
const (
	Partners   Dimension = "partners"
	Regions    Dimension = "regions"
	Warehouses Dimension = "warehouses"
)

// List returns the ids s assigns in dimension d.
func (s Scope) List(d Dimension) []int {
	switch d {
	case Partners:
		return s.Partners
	case Regions:
		return s.Regions
	case Warehouses:
		return s.Warehouses
	}
	return nil
}

// Term compares one value of a row with one list of the viewer's scope.
type Term struct {
	// List is the viewer's list the value must be in.
	List Dimension
	// Column is the row's column compared (partner_id), or, with Hop, the
	// foreign key followed (branch_id).
	Column string
	// Hop, when set, compares a column of the row Column points to.
	Hop *Hop
}

// Hop is one step along a foreign key: the edge's name in ent, the table it
// points to and the column compared there.
type Hop struct {
	Edge, Table, Column string
}

// key names the value a Term reads in a Row: "partner_id", "branch.region_id".
func (t Term) key() string {
	if t.Hop != nil {
		return t.Hop.Edge + "." + t.Hop.Column
	}
	return t.Column
}

// Rule is one row-level scope predicate, as data.
type Rule struct {
	// Name says what the rule decides ("courier reach").
	Name string
	// Table holds the rows it filters.
	Table string
	// Terms are combined with AND; a term whose list the viewer is not
	// assigned does not narrow.
	Terms []Term
	// SeeAll are roles that see every row whatever their scope.
	SeeAll []Role
	// NoneUnassigned: a restricted viewer assigned none of the Terms' lists
	// sees no row (true) or every row (false).
	NoneUnassigned bool
}

// branchInRegions: the row's branch is in one of the viewer's regions.
var branchInRegions = Term{List: Regions, Column: "branch_id", Hop: &Hop{Edge: "branch", Table: "branches", Column: "region_id"}}

// The scope predicates. Every other scoped record follows one of these
// through its foreign key (Scoped).
var (
	// CourierReach: couriers of the viewer's partners, in branches of the
	// viewer's regions. The warehouse role sees every courier (it issues to
	// anyone), with personal data masked.
	CourierReach = &Rule{
		Name:           "courier reach",
		Table:          "couriers",
		Terms:          []Term{{List: Partners, Column: "partner_id"}, branchInRegions},
		SeeAll:         []Role{Warehouse},
		NoneUnassigned: true,
	}
	// WarehouseReach: the viewer's warehouses, in branches of the viewer's
	// regions. Onboarding staff may read every warehouse's name.
	WarehouseReach = &Rule{
		Name:           "warehouse reach",
		Table:          "warehouses",
		Terms:          []Term{{List: Warehouses, Column: "id"}, branchInRegions},
		SeeAll:         []Role{Onboarding},
		NoneUnassigned: true,
	}
	// PartnerReach: partners are reference data, narrowed to a scoped
	// viewer's own partners (the warehouse role issues to every partner's
	// couriers, so it sees them all).
	PartnerReach = &Rule{
		Name:   "partner reach",
		Table:  "partners",
		Terms:  []Term{{List: Partners, Column: "id"}},
		SeeAll: []Role{Warehouse},
	}
	// RegionReach: regions narrowed to the viewer's regions, when assigned.
	RegionReach = &Rule{Name: "region reach", Table: "regions", Terms: []Term{{List: Regions, Column: "id"}}}
	// BranchReach: branches of the viewer's regions, when assigned.
	BranchReach = &Rule{Name: "branch reach", Table: "branches", Terms: []Term{{List: Regions, Column: "region_id"}}}
)

// Link is a foreign key of a record to a scoped record: its ent edge and
// its column.
type Link struct {
	Edge, Column string
}

// EntityScope says how one entity's rows fall within a viewer's scope: by
// a Rule on the row itself, or through Links to rows of entity Of, any of
// which in scope puts the row in scope. The zero value: not scoped (the
// role matrix alone decides).
type EntityScope struct {
	Rule  *Rule
	Links []Link
	Of    string
	// Table holds the rows of an entity scoped through Links.
	Table string
}

// table is where the entity's rows are, for SQL reaching them.
func (es EntityScope) table() string {
	if es.Rule != nil {
		return es.Rule.Table
	}
	return es.Table
}

// Scoped lists the scope of every entity a signed-in viewer may reach
// through ent. An entity missing here is refused to restricted viewers.
var Scoped = map[string]EntityScope{
	"Courier":             {Rule: CourierReach},
	"Warehouse":           {Rule: WarehouseReach},
	"Partner":             {Rule: PartnerReach},
	"Region":              {Rule: RegionReach},
	"Branch":              {Rule: BranchReach},
	"CourierDocument":     {Links: []Link{{"courier", "courier_id"}}, Of: "Courier", Table: "courier_documents"},
	"CourierStatusChange": {Links: []Link{{"courier", "courier_id"}}, Of: "Courier", Table: "courier_status_changes"},
	"CourierHolding":      {Links: []Link{{"courier", "courier_id"}}, Of: "Courier", Table: "courier_holdings"},
	"CourierDebt":         {Links: []Link{{"courier", "courier_id"}}, Of: "Courier", Table: "courier_debts"},
	"StockBalance":        {Links: []Link{{"warehouse", "warehouse_id"}}, Of: "Warehouse", Table: "stock_balances"},
	"Item":                {Links: []Link{{"warehouse", "warehouse_id"}}, Of: "Warehouse", Table: "items"},
	"Movement":            {Links: []Link{{"warehouse", "warehouse_id"}}, Of: "Warehouse", Table: "movements"},
	// A transfer is seen by either side.
	"Transfer":     {Links: []Link{{"from_warehouse", "from_warehouse_id"}, {"to_warehouse", "to_warehouse_id"}}, Of: "Warehouse", Table: "transfers"},
	"TransferLine": {Links: []Link{{"transfer", "transfer_id"}}, Of: "Transfer", Table: "transfer_lines"},
	// Not scoped: catalogs, staff names, the audit trail, reasons.
	"EquipmentType": {}, "User": {}, "AuditEvent": {}, "ApiToken": {}, "StatusReason": {}, "Kit": {}, "KitItem": {},
	"WebhookEndpoint": {}, "WebhookDelivery": {}, "WebhookEvent": {}, "WebhookAttempt": {},
}

// Bound is a Rule applied to one viewer: every row (All), no row (None), or
// the rows meeting each of its conditions.
type Bound struct {
	Rule  *Rule
	All   bool
	None  bool
	conds []cond
}

type cond struct {
	Term
	ids []int
}

// For applies r to v. A nil viewer sees nothing; the system, the owner,
// security and roles for which an empty scope means all see everything.
func (r *Rule) For(v *Viewer) Bound {
	b := Bound{Rule: r}
	switch {
	case v == nil:
		b.None = true
		return b
	case v.Unrestricted() || slices.Contains(r.SeeAll, v.Role):
		b.All = true
		return b
	}
	for _, t := range r.Terms {
		if ids := v.Scope.List(t.List); len(ids) > 0 {
			b.conds = append(b.conds, cond{t, slices.Clone(ids)})
		}
	}
	if len(b.conds) == 0 {
		b.All, b.None = !r.NoneUnassigned, r.NoneUnassigned
	}
	return b
}

// IDs is the list narrowing dimension d, or nil when d does not narrow.
func (b Bound) IDs(d Dimension) []int {
	for _, c := range b.conds {
		if c.List == d {
			return c.ids
		}
	}
	return nil
}

// Row gives the values a rule reads of one row: a column of the row
// ("partner_id") or of the row a foreign key points to ("branch.region_id");
// ok is false for NULL.
type Row func(key string) (value int, ok bool)

// Match is the Go predicate: whether row is in scope.
func (b Bound) Match(row Row) bool {
	if b.All || b.None {
		return b.All
	}
	for _, c := range b.conds {
		v, ok := row(c.key())
		if !ok || !slices.Contains(c.ids, v) {
			return false
		}
	}
	return true
}

// noRow matches no row (ids are positive).
var noRow = entql.FieldLT("id", 0)

// EntQL is the ent privacy filter of the rule's own entity; nil when it
// does not narrow.
func (b Bound) EntQL() entql.P {
	switch {
	case b.All:
		return nil
	case b.None:
		return noRow
	}
	ps := make([]entql.P, len(b.conds))
	for i, c := range b.conds {
		in := entql.FieldIn(c.Column, anys(c.ids)...)
		if c.Hop != nil {
			in = entql.HasEdgeWith(c.Hop.Edge, entql.FieldIn(c.Hop.Column, anys(c.ids)...))
		}
		ps[i] = in
	}
	if len(ps) == 1 {
		return ps[0]
	}
	return entql.And(ps[0], ps[1], ps[2:]...)
}

// SQLArgs collects the arguments of one raw statement and numbers their
// placeholders in the dialect's style: $1, $2 on PostgreSQL, ?1, ?2 on
// SQLite. Start it with the statement's own arguments.
type SQLArgs struct {
	Dialect string
	Values  []any
}

// Add appends v and returns its placeholder.
func (a *SQLArgs) Add(v any) string {
	a.Values = append(a.Values, v)
	n := strconv.Itoa(len(a.Values))
	if a.Dialect == dialect.Postgres {
		return "$" + n
	}
	return "?" + n
}

// List appends vals and returns their placeholders as an IN list, "($1, $2)".
func List[T any](a *SQLArgs, vals []T) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = a.Add(v)
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

// SQL is the raw SQL condition of the rule over its table's row named
// alias (empty: unqualified columns), its arguments added to a.
func (b Bound) SQL(alias string, a *SQLArgs) string {
	switch {
	case b.All:
		return "1 = 1"
	case b.None:
		return "1 = 0"
	}
	if alias != "" {
		alias += "."
	}
	parts := make([]string, len(b.conds))
	for i, c := range b.conds {
		if c.Hop != nil {
			parts[i] = alias + c.Column + " IN (SELECT id FROM " + c.Hop.Table + " WHERE " + c.Hop.Column + " IN " + List(a, c.ids) + ")"
			continue
		}
		parts[i] = alias + c.Column + " IN " + List(a, c.ids)
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// ScopeFilter is the ent privacy filter narrowing entity's rows to v's
// scope: nil when nothing narrows them; ok is false for an entity Scoped
// does not know.
func ScopeFilter(v *Viewer, entity string) (p entql.P, ok bool) {
	es, ok := Scoped[entity]
	switch {
	case !ok:
		return nil, false
	case es.Rule != nil:
		return es.Rule.For(v).EntQL(), true
	case es.Of == "":
		return nil, true
	}
	inner, ok := ScopeFilter(v, es.Of)
	if inner == nil || !ok {
		return nil, ok
	}
	ps := make([]entql.P, len(es.Links))
	for i, l := range es.Links {
		ps[i] = entql.HasEdgeWith(l.Edge, inner)
	}
	if len(ps) == 1 {
		return ps[0], true
	}
	return entql.Or(ps[0], ps[1], ps[2:]...), true
}

// ScopeSQL is the raw SQL condition narrowing entity's rows (named alias;
// empty: unqualified columns) to v's scope, its arguments added to a; the
// SQL twin of ScopeFilter. ok is false for an entity Scoped does not know.
func ScopeSQL(v *Viewer, entity, alias string, a *SQLArgs) (cond string, ok bool) {
	es, ok := Scoped[entity]
	switch {
	case !ok:
		return "", false
	case es.Rule != nil:
		return es.Rule.For(v).SQL(alias, a), true
	case es.Of == "":
		return "1 = 1", true
	}
	if alias != "" {
		alias += "."
	}
	// The arguments of the inner condition are numbered once per link.
	parts := make([]string, len(es.Links))
	for i, l := range es.Links {
		inner, ok := ScopeSQL(v, es.Of, "", a)
		switch {
		case !ok:
			return "", false
		case inner == "1 = 1" || inner == "1 = 0":
			return inner, true
		}
		parts[i] = alias + l.Column + " IN (SELECT id FROM " + Scoped[es.Of].table() + " WHERE " + inner + ")"
	}
	if len(parts) == 1 {
		return parts[0], true
	}
	return "(" + strings.Join(parts, " OR ") + ")", true
}

func anys(xs []int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
