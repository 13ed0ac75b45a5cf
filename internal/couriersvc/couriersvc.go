// Package couriersvc owns the rules of a courier's life at the company:
// onboarding with validated personal data, documents and their
// verification, the lifecycle (activate, block, fire, rehire), search,
// import and export. Every operation is one function and one transaction;
// failures are apperr errors the transports translate.
package couriersvc

import (
	"context"
	"fmt"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/branch"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/docstore"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// Sentinel errors of the service (match them with errors.Is).
var (
	// ErrDocumentsIncomplete: activation needs every required document verified and valid.
	ErrDocumentsIncomplete = apperr.New(apperr.CodeInvalidTransition, "courier.documentsIncomplete",
		"required documents are missing, unverified or expired").WithRu("Не все обязательные документы загружены, проверены и действительны")
	// ErrNoPartner: activation needs a logistics partner.
	ErrNoPartner = apperr.New(apperr.CodeInvalidTransition, "courier.noPartner",
		"the courier has no logistics partner").WithRu("У курьера не указан лог-партнёр")
	// ErrEquipmentOutstanding: the courier still holds equipment.
	ErrEquipmentOutstanding = apperr.New(apperr.CodeInvalidTransition, "courier.equipmentOutstanding",
		"the courier still holds equipment: return it or record it as debt first").WithRu("За курьером числится экипировка: оформите возврат или долг")
	// ErrDoNotRehire: security marked the courier as not to be rehired.
	ErrDoNotRehire = apperr.New(apperr.CodeInvalidTransition, "courier.doNotRehire",
		"security marked this courier as not to be rehired").WithRu("СБ запретила повторный приём этого курьера")
	// ErrConcurrentChange: another request changed the courier's status first.
	ErrConcurrentChange = apperr.New(apperr.CodeInvalidTransition, "courier.concurrentChange",
		"the courier's status was changed by someone else; reload and try again").WithRu("Статус курьера уже изменён другим пользователем; обновите данные")
	// ErrNoStorage: document files are not configured on this server.
	ErrNoStorage = apperr.New(apperr.CodeInternal, "documents.noStorage", "document storage is not configured")
)

// EquipmentLedger tells what equipment a courier still holds. The warehouse
// service provides the real one; until it is wired in, nothing is outstanding.
type EquipmentLedger interface {
	Outstanding(ctx context.Context, courierID int) (items int, value int64, err error)
}

type noEquipment struct{}

func (noEquipment) Outstanding(context.Context, int) (int, int64, error) { return 0, 0, nil }

// Options configure a Service.
type Options struct {
	// Documents stores document files; nil refuses uploads.
	Documents docstore.Store
	// Equipment tells what a courier holds; nil means nothing ever is.
	Equipment EquipmentLedger
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
	// MaxFileSize caps a document file (default 10 MiB).
	MaxFileSize int64
	// SettleDebt, when set, turns what a courier still holds into debt; a
	// forced firing calls it in the firing's transaction (the warehouse's
	// stocksvc.SettleAsLost). key makes a retry harmless.
	SettleDebt func(ctx context.Context, courierID int, key string) error
}

// Service runs the courier operations over an ent client.
type Service struct {
	client    *ent.Client
	docs      docstore.Store
	equipment EquipmentLedger
	now       func() time.Time
	maxFile   int64
	settle    func(ctx context.Context, courierID int, key string) error
}

// New returns a Service over client.
func New(client *ent.Client, opts Options) *Service {
	s := &Service{client: client, docs: opts.Documents, equipment: opts.Equipment, now: opts.Now, maxFile: opts.MaxFileSize, settle: opts.SettleDebt}
	if s.equipment == nil {
		s.equipment = noEquipment{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxFile <= 0 {
		s.maxFile = 10 << 20
	}
	return s
}

// SetEquipmentLedger wires the warehouse's ledger in.
func (s *Service) SetEquipmentLedger(l EquipmentLedger) {
	if l == nil {
		l = noEquipment{}
	}
	s.equipment = l
}

// Documents returns the document store (nil when none is configured).
func (s *Service) Documents() docstore.Store { return s.docs }

// clientFor is the client of the transaction in ctx (a GraphQL mutation's),
// or the service's own.
func (s *Service) clientFor(ctx context.Context) *ent.Client {
	if tx := ent.TxFromContext(ctx); tx != nil {
		return tx.Client()
	}
	return s.client
}

// inTx runs fn in the caller's transaction or a new one.
func (s *Service) inTx(ctx context.Context, fn func(tx *ent.Client) error) error {
	return database.InTx(ctx, s.client, func(tx *ent.Tx) error { return fn(tx.Client()) })
}

// today is the start of the current day (UTC), the unit of document dates.
func (s *Service) today() time.Time {
	n := s.now().UTC()
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// getCourier loads a courier the viewer may see, or NotFound.
func getCourier(ctx context.Context, c *ent.Client, id int) (*ent.Courier, error) {
	cr, err := c.Courier.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFound{Entity: "Courier", ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("courier[%d]: %w", id, err)
	}
	return cr, nil
}

// label names a courier for people: "Karimov Aziz".
func label(c *ent.Courier) string { return c.LastName + " " + c.FirstName }

// checkRefs checks that the partner and branch exist and are not archived.
func checkRefs(ctx context.Context, c *ent.Client, fs *Fields, partnerID, branchID *int) error {
	if partnerID != nil {
		ok, err := c.Partner.Query().Where(partner.ID(*partnerID), partner.ArchivedAtIsNil()).Exist(ctx)
		if err != nil {
			return fmt.Errorf("partner[%d]: %w", *partnerID, err)
		}
		if !ok {
			fs.Add("partnerID", "partner.inactive", "no such active partner")
		}
	}
	if branchID != nil {
		ok, err := c.Branch.Query().Where(branch.ID(*branchID), branch.ArchivedAtIsNil()).Exist(ctx)
		if err != nil {
			return fmt.Errorf("branch[%d]: %w", *branchID, err)
		}
		if !ok {
			fs.Add("branchID", "branch.inactive", "no such active branch")
		}
	}
	return nil
}

// checkDuplicates reports a PINFL already registered (naming the holder and
// its status; a fired holder points to rehire) and a phone held by another
// courier who is not fired. Both are looked up as the system, so a holder
// outside the viewer's scope is still found, but named only if visible.
func checkDuplicates(ctx context.Context, c *ent.Client, pin, ph string, self int) error {
	sys := authz.SystemContext(ctx, "couriersvc")
	if pin != "" {
		h, err := c.Courier.Query().Where(courier.Pinfl(pin), courier.IDNEQ(self)).Only(sys)
		switch {
		case ent.IsNotFound(err):
		case err != nil:
			return fmt.Errorf("duplicate pinfl: %w", err)
		default:
			return conflict(ctx, c, h, "pinfl", pin)
		}
	}
	if ph != "" {
		h, err := c.Courier.Query().
			Where(courier.Phone(ph), courier.IDNEQ(self), courier.StatusNEQ(courier.StatusFired)).
			First(sys)
		switch {
		case ent.IsNotFound(err):
		case err != nil:
			return fmt.Errorf("duplicate phone: %w", err)
		default:
			return conflict(ctx, c, h, "phone", ph)
		}
	}
	return nil
}

func conflict(ctx context.Context, c *ent.Client, h *ent.Courier, field, value string) error {
	visible, err := c.Courier.Query().Where(courier.ID(h.ID)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("duplicate %s: %w", field, err)
	}
	key, msg, ru := "courier.duplicate", fmt.Sprintf("%s is already registered to a courier", field), "Значение уже принадлежит другому курьеру"
	if field == "pinfl" && h.Status == courier.StatusFired {
		key = "courier.duplicateFired"
		msg = "this PINFL belongs to a fired courier: rehire them instead of registering again"
		ru = "ПИНФЛ принадлежит уволенному курьеру: оформите повторный приём (rehireCourier)"
	}
	e := apperr.New(apperr.CodeConflict, key, msg).WithRu(ru).
		WithDetail("entity", "Courier").
		WithDetail("field", field).
		WithDetail("holderStatus", string(h.Status))
	if visible {
		e = e.WithDetail("holderId", fmt.Sprint(h.ID)).WithDetail("holderLabel", label(h))
		e.Message = fmt.Sprintf("%s (Courier %d, %s, status %s)", msg, h.ID, label(h), h.Status)
	}
	if key == "courier.duplicateFired" {
		e = e.WithDetail("suggestedAction", "rehireCourier")
	}
	return e
}
