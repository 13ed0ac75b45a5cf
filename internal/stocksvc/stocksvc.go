// Package stocksvc runs the warehouse: receipts, issues, returns,
// write-offs, transfers and counts on the append-only stock ledger. Each
// operation is one transaction that appends Movement rows, moves balances,
// serial items and courier holdings with race-free conditional updates, and
// leaves an audit event for every change. Requests may carry an idempotency key
// (package idempotency): a repeat returns the first result and moves nothing.
package stocksvc

import (
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/kit"
	"github.com/mycourier/mycourier/ent/transferline"
	"github.com/mycourier/mycourier/internal/apperr"
)

// Errors of the warehouse, beyond the field errors of bad input.
var (
	// ErrInsufficientStock: the warehouse has fewer units available than asked.
	ErrInsufficientStock = apperr.ErrInsufficientStock
	// ErrBusy: the database stayed contended through every retry; sending
	// the request again is safe (it is not a conflict of values).
	ErrBusy = apperr.New(apperr.CodeRateLimited, "stock.busy",
		"the warehouse is busy; retry the request with the same idempotency key").
		WithRu("Склад занят другими операциями; повторите запрос с тем же ключом")
	// ErrWarehouseOutOfScope: the warehouse exists but is not the viewer's.
	ErrWarehouseOutOfScope = apperr.New(apperr.CodeForbidden, "stock.warehouseOutOfScope",
		"this warehouse is outside your scope").WithRu("Склад вне вашей зоны ответственности")
)

// Config tunes the service.
type Config struct {
	// IssueToNew allows issuing equipment to NEW couriers (before
	// activation), not only ACTIVE ones. Blocked and fired never.
	IssueToNew bool
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
	// MaxAttempts bounds retries of transient conflicts when the service
	// opens its own transaction (default 5).
	MaxAttempts int
}

// Service runs the warehouse operations over an ent client.
type Service struct {
	client *ent.Client
	cfg    Config
}

// New returns a Service over client.
func New(client *ent.Client, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	return &Service{client: client, cfg: cfg}
}

// Line is a quantity of one equipment type, or for serial-tracked types the
// serials of the units.
type Line struct {
	EquipmentTypeID int
	Quantity        *int
	Serials         []string
	// Condition of returned units (default used); damaged go to quarantine.
	Condition *item.Condition
	// UnitCost of received units (default: the type's).
	UnitCost *int64
}

// ReceiveInput is a receipt from a supplier.
type ReceiveInput struct {
	IdempotencyKey string
	WarehouseID    int
	Lines          []*Line
	Supplier       *string
	Comment        *string
}

// IssueInput hands equipment to a courier: single lines, a kit, or both.
type IssueInput struct {
	IdempotencyKey string
	WarehouseID    int
	CourierID      int
	Lines          []*Line
	KitID          *int
	// Sizes replace kit lines by types of the same variant group.
	Sizes []int
	// KitSerials name the units of the kit's serial-tracked lines.
	KitSerials []string
	Comment    *string
}

// ReturnInput takes equipment back from a courier.
type ReturnInput struct {
	IdempotencyKey string
	WarehouseID    int
	CourierID      int
	Lines          []*Line
	Comment        *string
}

// Write-off reasons.
const (
	ReasonWornOut = "worn_out"
	ReasonDamaged = "damaged"
	ReasonLost    = "lost"
	ReasonStolen  = "stolen"
)

// WriteOffReasons are the reasons a write-off may give.
var WriteOffReasons = []string{ReasonWornOut, ReasonDamaged, ReasonLost, ReasonStolen}

// WriteOffInput disposes of stock, or of units a courier lost.
type WriteOffInput struct {
	IdempotencyKey string
	WarehouseID    int
	Reason         string
	CourierID      *int
	FromQuarantine *bool
	Lines          []*Line
	Comment        *string
}

// DispatchInput sends stock to another warehouse.
type DispatchInput struct {
	IdempotencyKey  string
	FromWarehouseID int
	ToWarehouseID   int
	Lines           []*Line
	Comment         *string
}

// ReceivedLine is what arrived of one equipment type.
type ReceivedLine struct {
	EquipmentTypeID  int
	QuantityReceived *int
	SerialsReceived  []string
	Note             *string
}

// ReceiveTransferInput accepts a transfer at its destination.
type ReceiveTransferInput struct {
	IdempotencyKey string
	TransferID     int
	Lines          []*ReceivedLine
	Shortage       *transferline.ShortageResolution
	Comment        *string
}

// CountLine is the counted quantity of one type.
type CountLine struct {
	EquipmentTypeID int
	Counted         int
}

// CountInput records a stock count (inventory).
type CountInput struct {
	IdempotencyKey string
	WarehouseID    int
	Lines          []*CountLine
	Reason         string
	Comment        *string
}

// KitLine is one line of a new kit.
type KitLine struct {
	EquipmentTypeID int
	Quantity        int
}

// KitInput creates a kit.
type KitInput struct {
	Name          string
	TransportType kit.TransportType
	Description   *string
	Lines         []*KitLine
}

// Result is what an operation did: its ledger rows under one operation id
// and document number.
type Result struct {
	OperationID    string
	DocumentNumber string
	Replayed       bool
	Movements      []*ent.Movement
	Transfer       *ent.Transfer
	Debts          []*ent.CourierDebt
	ActURL         *string
}

// Held is one equipment type a courier holds.
type Held struct {
	EquipmentType *ent.EquipmentType
	Quantity      int
	Value         int64
	Items         []*ent.Item
}

// PartnerOutstanding rolls up a partner's couriers' equipment and debt.
type PartnerOutstanding struct {
	Partner  *ent.Partner
	Couriers int
	Units    int
	Value    int64
	Debt     int64
}

// ReportLine is a balance and what moved in the period asked.
type ReportLine struct {
	Balance        *ent.StockBalance
	Received       int
	Issued         int
	Returned       int
	WrittenOff     int
	TransferredOut int
	TransferredIn  int
	Adjusted       int
}
