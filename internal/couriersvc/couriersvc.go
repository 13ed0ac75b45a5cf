// Package couriersvc owns the rules of a courier's life at the company:
// onboarding with validated personal data, documents and their
// verification, the lifecycle (activate, block, fire, rehire), search,
// import and export. Every operation is one function and one transaction;
// failures are apperr errors the transports translate.
package couriersvc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/branch"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/logging"
)

// Sentinel errors of the service (match them with errors.Is).
var (
	// ErrDocumentsIncomplete: activation needs every required document verified and valid.
	ErrDocumentsIncomplete = apperr.New(apperr.CodeInvalidTransition, "courier.documentsIncomplete",
		"required documents are missing, unverified or expired").WithRu("Не все обязательные документы загружены, проверены и действительны")
	// ErrDocumentFileRequired: a document is verified against its stored scan.
	ErrDocumentFileRequired = apperr.New(apperr.CodeInvalidTransition, "document.fileRequired",
		"upload the document's scan before verifying it").WithRu("Загрузите скан документа перед проверкой")
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
	// ErrDocumentReviewed: the document is no longer in a state this review
	// may start from: someone reviewed it (or replaced its scan) first.
	ErrDocumentReviewed = apperr.New(apperr.CodeInvalidTransition, "document.alreadyReviewed",
		"this document was already reviewed or changed by someone else; reload it").
		WithRu("Документ уже проверен или изменён другим пользователем; обновите данные")
	// ErrNoStorage: document files are not configured on this server.
	ErrNoStorage = apperr.New(apperr.CodeInternal, "documents.noStorage", "document storage is not configured")
)

// EquipmentLedger tells what equipment a courier still holds (the
// warehouse's stocksvc provides it).
type EquipmentLedger interface {
	Outstanding(ctx context.Context, courierID int) (items int, value int64, err error)
}

// Options configure a Service.
type Options struct {
	// Documents stores document files; nil refuses uploads.
	Documents blobstore.Store
	// Equipment tells what a courier holds (required: firing checks it).
	Equipment EquipmentLedger
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
	// MaxFileSize caps a document file (default 10 MiB).
	MaxFileSize int64
	// SettleDebt turns what a courier still holds into debt (required); a
	// forced firing calls it in the firing's transaction (the warehouse's
	// stocksvc.SettleAsLost). key makes a retry harmless.
	SettleDebt func(ctx context.Context, courierID int, key string) error
}

// Service runs the courier operations over an ent client.
type Service struct {
	client    *ent.Client
	docs      blobstore.Store
	equipment EquipmentLedger
	now       func() time.Time
	maxFile   int64
	settle    func(ctx context.Context, courierID int, key string) error
}

// ErrMissingDependency is a start-up error: a dependency the rules need was
// not wired in (a default would silently switch the rule off).
var ErrMissingDependency = errors.New("couriersvc: missing dependency")

// New returns a Service over client. Equipment and SettleDebt are required:
// without them "fired with equipment needs force" would silently lapse.
func New(client *ent.Client, opts Options) (*Service, error) {
	switch {
	case client == nil:
		return nil, fmt.Errorf("%w: ent client", ErrMissingDependency)
	case opts.Equipment == nil:
		return nil, fmt.Errorf("%w: Equipment (the warehouse's ledger)", ErrMissingDependency)
	case opts.SettleDebt == nil:
		return nil, fmt.Errorf("%w: SettleDebt (forced firing books equipment as debt)", ErrMissingDependency)
	}
	s := &Service{client: client, docs: opts.Documents, equipment: opts.Equipment, now: opts.Now, maxFile: opts.MaxFileSize, settle: opts.SettleDebt}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxFile <= 0 {
		s.maxFile = 10 << 20
	}
	return s, nil
}

// Documents returns the document store (nil when none is configured).
func (s *Service) Documents() blobstore.Store { return s.docs }

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

// checkRefs checks that the partner and branch exist, are not archived and
// are within the viewer's scope; one that exists outside it is named so
// ("outside your scope"), not reported as missing.
func checkRefs(ctx context.Context, c *ent.Client, fs *Fields, partnerID, branchID *int) error {
	if partnerID != nil {
		st, err := refState(ctx, func(ctx context.Context) (bool, error) {
			return c.Partner.Query().Where(partner.ID(*partnerID), partner.ArchivedAtIsNil()).Exist(ctx)
		})
		if err != nil {
			return fmt.Errorf("partner[%d]: %w", *partnerID, err)
		}
		switch st {
		case refMissing:
			fs.Add("partnerID", "partner.inactive", "no such active partner")
		case refOutOfScope:
			fs.Add("partnerID", "partner.outOfScope", "this partner is outside your scope")
		}
	}
	if branchID != nil {
		st, err := refState(ctx, func(ctx context.Context) (bool, error) {
			return c.Branch.Query().Where(branch.ID(*branchID), branch.ArchivedAtIsNil()).Exist(ctx)
		})
		if err != nil {
			return fmt.Errorf("branch[%d]: %w", *branchID, err)
		}
		switch st {
		case refMissing:
			fs.Add("branchID", "branch.inactive", "no such active branch")
		case refOutOfScope:
			fs.Add("branchID", "branch.outOfScope", "this branch is outside your scope")
		}
	}
	return nil
}

type refStatus int

const (
	refOK refStatus = iota
	refMissing
	refOutOfScope
)

// refState runs exists as the viewer, then (when it finds nothing) as the
// system, to tell a record outside the viewer's scope from a missing one.
func refState(ctx context.Context, exists func(context.Context) (bool, error)) (refStatus, error) {
	ok, err := exists(ctx)
	if err != nil || ok {
		return refOK, err
	}
	ok, err = exists(authz.SystemContext(ctx, "couriersvc"))
	if err != nil {
		return refOK, err
	}
	if ok {
		return refOutOfScope, nil
	}
	return refMissing, nil
}

// ErrMovesOutOfScope: the change would take the courier out of the
// viewer's own scope (a manager clearing or changing the partner).
var ErrMovesOutOfScope = apperr.New(apperr.CodeForbidden, "courier.movesOutOfScope",
	"this change would move the courier outside your scope").WithRu("После изменения курьер окажется вне вашей зоны ответственности")

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

// explainConflict turns a PINFL or phone conflict the database (or the
// generic unique guard) reported — a request that raced another past
// checkDuplicates — into the courier-specific error naming the holder. The
// losing transaction is aborted and the winner has committed, so the holder
// is read outside it. values are the raw inputs (nil-safe, normalised here).
func (s *Service) explainConflict(ctx context.Context, err error, self int, values ...string) error {
	c, ok := apperr.As[apperr.Conflict](err)
	if !ok || c.Entity != "Courier" {
		return err
	}
	var pin, ph string
	switch c.Field {
	case "pinfl":
		if len(values) > 0 {
			pin = values[0]
		}
	case "phone":
		if len(values) > 1 {
			ph, _ = NormalizePhone(values[1])
		}
		if ph == "" && self != 0 {
			// Rehire: the courier's own stored phone is the one taken.
			cur, gerr := s.client.Courier.Get(authz.SystemContext(ctx, "couriersvc"), self)
			if gerr != nil {
				return err
			}
			ph = cur.Phone
		}
	default:
		return err
	}
	if pin == "" && ph == "" {
		return err
	}
	if e := checkDuplicates(ctx, s.client, pin, ph, self); e != nil {
		return e
	}
	return err
}

func conflict(ctx context.Context, c *ent.Client, h *ent.Courier, field, value string) error {
	visible, err := c.Courier.Query().Where(courier.ID(h.ID)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("duplicate %s: %w", field, err)
	}
	if !visible {
		return &takenElsewhere{err: errTakenElsewhere[field], holder: h.ID, field: field, value: value}
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
		WithDetail("holderStatus", string(h.Status)).
		WithDetail("holderId", fmt.Sprint(h.ID)).WithDetail("holderLabel", label(h))
	e.Message = fmt.Sprintf("%s (Courier %d, %s, status %s)", msg, h.ID, label(h), h.Status)
	if key == "courier.duplicateFired" {
		e = e.WithDetail("suggestedAction", "rehireCourier")
	}
	return e
}

// errTakenElsewhere are the conflicts of a PINFL or phone held by a courier
// the viewer may not see (another partner's): they say only that the value
// is taken and who can help, nothing of the holder.
var errTakenElsewhere = map[string]*apperr.Error{
	"pinfl": apperr.New(apperr.CodeConflict, "courier.pinflTakenElsewhere",
		"this PINFL is already registered to a courier outside your scope; ask the owner").
		WithRu("Этот ПИНФЛ уже зарегистрирован у курьера вне вашей зоны доступа; обратитесь к владельцу системы").
		WithDetail("field", "pinfl"),
	"phone": apperr.New(apperr.CodeConflict, "courier.phoneTakenElsewhere",
		"this phone is already registered to a courier outside your scope; ask the owner").
		WithRu("Этот телефон уже зарегистрирован у курьера вне вашей зоны доступа; обратитесь к владельцу системы").
		WithDetail("field", "phone"),
}

// takenElsewhere is a conflict with a courier outside the viewer's scope.
// The client sees err alone; the holder is kept for the audit trail.
type takenElsewhere struct {
	err          *apperr.Error
	holder       int
	field, value string
}

func (e *takenElsewhere) Error() string { return e.err.Error() }
func (e *takenElsewhere) Unwrap() error { return e.err }

// auditTakenElsewhere records an attempt refused because the PINFL or
// phone belongs to a courier the viewer may not see: repeated, it is a way
// to probe other partners' staff, so the owner and the security service
// see who tried which value (and whose it is). It returns err.
func (s *Service) auditTakenElsewhere(ctx context.Context, err error, operation string) error {
	var te *takenElsewhere
	if !errors.As(err, &te) {
		return err
	}
	if aerr := audit.RecordAttempt(ctx, s.client, "courier."+te.field+"TakenElsewhere", "Courier", &te.holder,
		map[string]any{"attempted": operation, te.field: te.value}); aerr != nil {
		logging.FromContext(ctx).Error().Err(aerr).Msg("couriersvc: auditing an attempt on a value held elsewhere")
	}
	return err
}
