package authz

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Role is what a user or token is allowed to be.
type Role string

// The roles of DESIGN.md.
const (
	Owner      Role = "owner"
	Manager    Role = "manager"
	Onboarding Role = "onboarding"
	Warehouse  Role = "warehouse"
	Security   Role = "security"
	Integrator Role = "integrator"
)

// Roles lists every role, in the order the docs show them.
var Roles = []Role{Owner, Manager, Onboarding, Warehouse, Security, Integrator}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("unknown role %q (one of %s)", s, joinRoles(Roles))
	}
	return r, nil
}

// EmptyScopeMeansAll says, per role, what a viewer with no scope assigned
// sees: everything (true) or nothing (false). Owner and security always see
// everything.
var EmptyScopeMeansAll = map[Role]bool{
	Owner:      true,
	Security:   true,
	Onboarding: true,
	Manager:    false,
	Warehouse:  false,
	Integrator: false,
}

// PIIRoles may see full PINFL and phone numbers; the others see them masked.
// An API token may be granted PII explicitly.
var PIIRoles = []Role{Owner, Manager, Onboarding, Security}

var (
	everyone  = []Role{Owner, Manager, Onboarding, Warehouse, Security, Integrator}
	ownerOnly = []Role{Owner}
	// stockReaders and stockWriters are who sees and who moves stock.
	stockReaders = []Role{Owner, Manager, Warehouse, Security, Integrator}
	stockWriters = []Role{Owner, Manager, Warehouse}
)

// Access is who may read and who may write one kind of record. Reads are
// further narrowed by scope; writes must also pass the operation matrix.
type Access struct {
	Read  []Role
	Write []Role
}

// Entities is the record-level half of the matrix: the ent privacy policy of
// every entity reads it.
var Entities = map[string]Access{
	"Region":              {Read: everyone, Write: ownerOnly},
	"Branch":              {Read: everyone, Write: ownerOnly},
	"Warehouse":           {Read: everyone, Write: ownerOnly},
	"Partner":             {Read: everyone, Write: ownerOnly},
	"EquipmentType":       {Read: everyone, Write: ownerOnly},
	"Courier":             {Read: everyone, Write: []Role{Owner, Manager, Onboarding, Security}},
	"CourierDocument":     {Read: []Role{Owner, Manager, Onboarding, Security}, Write: []Role{Owner, Manager, Onboarding}},
	"CourierStatusChange": {Read: []Role{Owner, Manager, Onboarding, Security, Integrator}, Write: []Role{Owner, Manager, Onboarding, Security}},
	"Item":                {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	"StockBalance":        {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	// The owner-managed list of block and fire reasons (forms show it to all).
	"StatusReason": {Read: everyone, Write: ownerOnly},
	"Movement":     {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	// The warehouse's own records.
	"Kit":            {Read: everyone, Write: ownerOnly},
	"KitItem":        {Read: everyone, Write: ownerOnly},
	"Transfer":       {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	"TransferLine":   {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	"CourierHolding": {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	"CourierDebt":    {Read: []Role{Owner, Manager, Warehouse, Security, Integrator}, Write: []Role{Owner, Manager, Warehouse}},
	// Staff names show in histories for everyone; the users list itself is
	// for owner and security (see customOperations).
	"User":       {Read: everyone, Write: ownerOnly},
	"ApiToken":   {Read: ownerOnly, Write: ownerOnly},
	"AuditEvent": {Read: []Role{Owner, Security}, Write: everyone},
	// Sessions and throttles are written by the sign-in service as the
	// system, idempotency keys by the services as the system.
	"Session":        {},
	"LoginThrottle":  {},
	"IdempotencyKey": {},
	// Analytics summaries are kept by hooks and read by the analytics
	// service as the system; the dashboard applies the viewer's scope.
	"CourierDayStat":        {},
	"CourierReasonStat":     {},
	"CourierActivationStat": {},
	"CourierCount":          {},
	"StockDayStat":          {},
	"CourierLossStat":       {},
	"StockTotal":            {},
	// Integrator events: the owner registers endpoints and watches
	// deliveries; the outbox and the dispatcher write as the system.
	"WebhookEndpoint": {Read: ownerOnly, Write: ownerOnly},
	"WebhookDelivery": {Read: ownerOnly},
	"WebhookEvent":    {Read: ownerOnly},
	"WebhookAttempt":  {Read: ownerOnly},
}

// Unguarded are the entities no ent privacy policy guards, each with the
// reason: bookkeeping that no GraphQL type, node(id:) or edge reaches,
// written only by raw SQL of the named service. Entities lists only rules a
// policy enforces (a test checks both ways); giving one of these a policy
// (ent/schema, then make generate) moves it to Entities.
var Unguarded = map[string]string{
	"DocumentCounter": "document numbers, bumped by one raw upsert in stocksvc (allocateDocument) inside the operation that takes the number",
}

// Public operations need no sign-in.
const Public Role = "anonymous"

// Operations is the operation-level half of the matrix: every GraphQL root
// field and the roles that may call it. A field missing here is refused.
var Operations = map[string][]Role{}

// listQueries maps each generated connection query to its entity.
var listQueries = map[string]string{
	"regions": "Region", "branches": "Branch", "warehouses": "Warehouse", "partners": "Partner",
	"equipmentTypes": "EquipmentType", "couriers": "Courier", "courierDocuments": "CourierDocument",
	"courierStatusChanges": "CourierStatusChange", "items": "Item", "stockBalances": "StockBalance",
	"movements": "Movement", "users": "User", "apiTokens": "ApiToken", "auditEvents": "AuditEvent",
	"webhookEndpoints": "WebhookEndpoint", "webhookDeliveries": "WebhookDelivery",
}

// referenceData has generic create/update mutations.
var referenceData = []string{"Region", "Branch", "Warehouse", "Partner", "EquipmentType"}

func init() {
	for q, e := range listQueries {
		Operations["Query."+q] = Entities[e].Read
	}
	for _, e := range referenceData {
		Operations["Mutation.create"+e] = Entities[e].Write
		Operations["Mutation.update"+e] = Entities[e].Write
	}
	for op, roles := range customOperations {
		Operations[op] = roles
	}
}

// customOperations are the business operations and sign-in.
var customOperations = map[string][]Role{
	"Query.node":                 everyone,
	"Query.nodes":                everyone,
	"Query.me":                   everyone,
	"Query.courierDossier":       {Owner, Manager, Onboarding, Security},
	"Query.users":                {Owner, Security},
	"Mutation.login":             {Public},
	"Mutation.refresh":           {Public},
	"Mutation.logout":            everyone,
	"Mutation.logoutEverywhere":  everyone,
	"Mutation.changePassword":    everyone,
	"Mutation.createUser":        ownerOnly,
	"Mutation.updateUser":        ownerOnly,
	"Mutation.resetUserPassword": ownerOnly,
	"Mutation.createApiToken":    ownerOnly,
	"Mutation.revokeApiToken":    ownerOnly,
	// The warehouse (issue 5): staff of the warehouse in scope move stock;
	// everyone with stock access reads the reports.
	"Query.kits":                 everyone,
	"Query.transfers":            stockReaders,
	"Query.courierDebts":         stockReaders,
	"Query.stockReport":          stockReaders,
	"Query.itemBySerial":         stockReaders,
	"Query.transfersInTransit":   stockReaders,
	"Query.partnerOutstanding":   {Owner, Manager, Security, Integrator},
	"Mutation.receiveStock":      stockWriters,
	"Mutation.issueEquipment":    stockWriters,
	"Mutation.returnEquipment":   stockWriters,
	"Mutation.writeOffEquipment": stockWriters,
	"Mutation.dispatchTransfer":  stockWriters,
	"Mutation.receiveTransfer":   stockWriters,
	"Mutation.countStock":        stockWriters,
	"Mutation.setStockMinLevel":  stockWriters,
	"Mutation.createKit":         ownerOnly,
	// Couriers (issue 4): onboarding staff register and submit; managers
	// decide; security blocks and flags; the owner keeps the reason lists.
	"Query.courierSearch":                everyone,
	"Query.expiringCourierDocuments":     {Owner, Manager, Onboarding, Security},
	"Query.statusReasons":                everyone,
	"Mutation.onboardCourier":            {Owner, Manager, Onboarding},
	"Mutation.updateCourier":             {Owner, Manager, Onboarding},
	"Mutation.submitForActivation":       {Owner, Manager, Onboarding},
	"Mutation.activateCourier":           {Owner, Manager},
	"Mutation.blockCourier":              {Owner, Manager, Security},
	"Mutation.unblockCourier":            {Owner, Manager},
	"Mutation.fireCourier":               {Owner, Manager},
	"Mutation.rehireCourier":             {Owner, Manager},
	"Mutation.setCourierDoNotRehire":     {Owner, Security},
	"Mutation.addCourierDocument":        {Owner, Manager, Onboarding},
	"Mutation.uploadCourierDocumentFile": {Owner, Manager, Onboarding},
	"Mutation.verifyCourierDocument":     {Owner, Manager, Onboarding},
	"Mutation.rejectCourierDocument":     {Owner, Manager, Onboarding},
	"Mutation.importCouriers":            {Owner, Manager, Onboarding},
	"Mutation.createStatusReason":        ownerOnly,
	// Analytics (issue 10): figures for those who steer and those who
	// report; each sees them within their scope.
	"Query.dashboard":             {Owner, Manager, Security, Integrator},
	"Mutation.updateStatusReason": ownerOnly,
	// Integrator events (webhooks).
	"Mutation.createWebhookEndpoint": ownerOnly,
	"Mutation.updateWebhookEndpoint": ownerOnly,
}

// Rules of the services beyond the matrix, each named once here.
var (
	// ForceFireRoles may fire a courier who still holds equipment, the
	// equipment recorded as the courier's debt.
	ForceFireRoles = []Role{Owner, Manager}
	// AuditedDossierReaders: a courier dossier read by these roles is
	// written to the audit trail (who looked at whose personal data).
	AuditedDossierReaders = []Role{Security}
)

// MayWrite tells whether v may write records of entity at all: the
// system, or a role the matrix lets write it.
func MayWrite(v *Viewer, entity string) bool {
	return v.System() || (v != nil && CanWrite(entity, v.Role))
}

// Allowed tells whether role may call the operation ("Query.couriers").
func Allowed(op string, role Role) bool {
	roles, ok := Operations[op]
	return ok && (slices.Contains(roles, role) || slices.Contains(roles, Public))
}

// IsPublic tells whether the operation needs no sign-in.
func IsPublic(op string) bool {
	return slices.Contains(Operations[op], Public)
}

// CanRead tells whether role may read records of the entity at all.
func CanRead(entity string, role Role) bool {
	return slices.Contains(Entities[entity].Read, role)
}

// CanWrite tells whether role may write records of the entity at all.
func CanWrite(entity string, role Role) bool {
	return slices.Contains(Entities[entity].Write, role)
}

// MatrixMarkdown renders the operation matrix as the table docs/rbac.md shows.
func MatrixMarkdown() string {
	var b strings.Builder
	b.WriteString("| operation |")
	for _, r := range Roles {
		b.WriteString(" " + string(r) + " |")
	}
	b.WriteString("\n|---|")
	for range Roles {
		b.WriteString(":-:|")
	}
	b.WriteString("\n")
	ops := make([]string, 0, len(Operations))
	for op := range Operations {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		b.WriteString("| `" + op + "` |")
		for _, r := range Roles {
			mark := " "
			if Allowed(op, r) {
				mark = "✓"
			}
			b.WriteString(" " + mark + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// NodeAllowed tells whether role may fetch a record of entity through
// node(id:)/nodes(ids:): exactly when it may call the entity's typed list
// query, or, for entities without one, read the entity at all. Scope is the
// privacy policy's to apply after this.
func NodeAllowed(entity string, role Role) bool {
	for q, e := range listQueries {
		if e == entity {
			return Allowed("Query."+q, role)
		}
	}
	return CanRead(entity, role)
}

// Permissions lists, sorted, the operations ("Mutation.blockCourier") role
// may call: what the admin UI reads from `me` to show menus and buttons.
func Permissions(role Role) []string {
	var ops []string
	for op := range Operations {
		if Allowed(op, role) {
			ops = append(ops, op)
		}
	}
	sort.Strings(ops)
	return ops
}

// GraphQLName is the role's name in the GraphQL schema's Role enum and its
// @hasRole directives: OWNER for owner, ANONYMOUS for Public.
func (r Role) GraphQLName() string { return strings.ToUpper(string(r)) }

// MarshalGQL writes the role's GraphQL name.
func (r Role) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(r.GraphQLName())) }

// UnmarshalGQL reads a role from its GraphQL name.
func (r *Role) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	for _, x := range append(slices.Clone(Roles), Public) {
		if s == x.GraphQLName() {
			*r = x
			return nil
		}
	}
	return fmt.Errorf("%v is not a valid Role", v)
}
