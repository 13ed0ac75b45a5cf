package couriersvc

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/ent/statusreason"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/idempotency"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// Action is a lifecycle operation.
type Action string

// The lifecycle operations, named as the API names them.
const (
	ActSubmit   Action = "submitForActivation"
	ActActivate Action = "activateCourier"
	ActBlock    Action = "blockCourier"
	ActUnblock  Action = "unblockCourier"
	ActFire     Action = "fireCourier"
	ActRehire   Action = "rehireCourier"
)

// transition is one edge of the lifecycle.
type transition struct {
	from []courier.Status
	to   courier.Status
}

// Transitions is the lifecycle of DESIGN.md as data: new → active ⇄
// blocked; active/blocked → fired; fired → new only by rehire. Submitting
// for activation keeps the status new and marks the courier as ready for a
// manager to review.
var Transitions = map[Action]transition{
	ActSubmit:   {from: []courier.Status{courier.StatusNew}, to: courier.StatusNew},
	ActActivate: {from: []courier.Status{courier.StatusNew}, to: courier.StatusActive},
	ActBlock:    {from: []courier.Status{courier.StatusActive}, to: courier.StatusBlocked},
	ActUnblock:  {from: []courier.Status{courier.StatusBlocked}, to: courier.StatusActive},
	ActFire:     {from: []courier.Status{courier.StatusActive, courier.StatusBlocked}, to: courier.StatusFired},
	ActRehire:   {from: []courier.Status{courier.StatusFired}, to: courier.StatusNew},
}

// actionOrder lists the actions in the order errors show them.
var actionOrder = []Action{ActSubmit, ActActivate, ActBlock, ActUnblock, ActFire, ActRehire}

// Allowed lists the actions possible from a status.
func Allowed(st courier.Status) []string {
	var out []string
	for _, a := range actionOrder {
		for _, f := range Transitions[a].from {
			if f == st {
				out = append(out, string(a))
			}
		}
	}
	return out
}

func invalidTransition(a Action, st courier.Status) error {
	return apperr.New(apperr.CodeInvalidTransition, "courier.invalidTransition",
		fmt.Sprintf("%s is not possible for a courier in status %s", a, st)).
		WithRu(fmt.Sprintf("Действие %s невозможно для курьера в статусе %s", a, st)).
		WithDetail("status", string(st)).
		WithDetail("allowed", Allowed(st))
}

// TransitionInput carries the optional parts of a transition.
type TransitionInput struct {
	Reason         string
	Comment        string
	Force          bool
	IdempotencyKey string
}

// Submit marks a new courier as ready for activation.
func (s *Service) Submit(ctx context.Context, id int, in TransitionInput) (*ent.Courier, error) {
	return s.transition(ctx, ActSubmit, id, in)
}

// Activate makes a new courier active: the partner must be set and every
// required document verified and valid.
func (s *Service) Activate(ctx context.Context, id int, in TransitionInput) (*ent.Courier, error) {
	return s.transition(ctx, ActActivate, id, in)
}

// Block blocks an active courier for a reason from the block list.
func (s *Service) Block(ctx context.Context, id int, in TransitionInput) (*ent.Courier, error) {
	return s.transition(ctx, ActBlock, id, in)
}

// Unblock makes a blocked courier active again.
func (s *Service) Unblock(ctx context.Context, id int, in TransitionInput) (*ent.Courier, error) {
	return s.transition(ctx, ActUnblock, id, in)
}

// Fire dismisses an active or blocked courier for a reason from the fire
// list. A courier holding equipment is refused unless an owner or manager
// forces it (the equipment then stays on record as the courier's debt).
func (s *Service) Fire(ctx context.Context, id int, in TransitionInput) (*ent.Courier, error) {
	return s.transition(ctx, ActFire, id, in)
}

// Rehire brings a fired courier back to new, keeping all history, unless
// security flagged them do-not-rehire.
func (s *Service) Rehire(ctx context.Context, id int, in TransitionInput) (*ent.Courier, error) {
	return s.transition(ctx, ActRehire, id, in)
}

func (s *Service) transition(ctx context.Context, a Action, id int, in TransitionInput) (*ent.Courier, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	in.Comment = strings.TrimSpace(in.Comment)
	req, err := idempotency.New(ctx, string(a), in.IdempotencyKey, map[string]any{
		"id": id, "reason": in.Reason, "comment": in.Comment, "force": in.Force,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: courier[%d]: %w", a, id, err)
	}
	var out *ent.Courier
	err = idempotency.RetryInFlight(ctx, func() error {
		return database.InTx(ctx, s.client, func(etx *ent.Tx) error {
			// Services called within (the warehouse settling debt) join the
			// transaction through the context.
			ctx := ent.NewTxContext(ctx, etx)
			tx := etx.Client()
			_, replay, err := req.Lookup(ctx, tx)
			if err != nil {
				return err
			}
			if replay {
				out, err = getCourier(ctx, tx, id)
				return err
			}
			// Claimed first: a concurrent twin waits on the key and then
			// replays instead of racing the transition.
			if err := req.Record(ctx, tx, map[string]any{"courierID": id}); err != nil {
				return err
			}
			out, err = s.apply(ctx, tx, a, id, in)
			return err
		})
	})
	if err != nil {
		if a == ActRehire {
			err = s.auditTakenElsewhere(ctx, s.explainConflict(ctx, err, id), "rehireCourier")
		}
		return nil, fmt.Errorf("%s: courier[%d]: %w", a, id, err)
	}
	return out, nil
}

func (s *Service) apply(ctx context.Context, tx *ent.Client, a Action, id int, in TransitionInput) (*ent.Courier, error) {
	t := Transitions[a]
	cur, err := getCourier(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	legal := false
	for _, f := range t.from {
		legal = legal || cur.Status == f
	}
	if !legal {
		return nil, invalidTransition(a, cur.Status)
	}
	if err := s.checkReason(ctx, tx, a, in); err != nil {
		return nil, err
	}
	now := s.now()
	forced := false
	u := tx.Courier.UpdateOneID(id).
		// The conditional update is the concurrency guard: of two
		// transitions racing from the same status only one matches.
		Where(courier.StatusEQ(cur.Status)).
		SetStatus(t.to).SetStatusChangedAt(now)
	switch a {
	case ActSubmit:
		// Submitting needs the partner and every required document at
		// least uploaded; verification is the reviewer's job.
		if cur.PartnerID == nil {
			return nil, ErrNoPartner
		}
		problems, err := s.documentProblems(ctx, tx, cur)
		if err != nil {
			return nil, err
		}
		var missing []DocumentProblem
		for _, p := range problems {
			if p.Status == courier.DocumentStatusMissing {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			return nil, incomplete(missing)
		}
	case ActActivate:
		if cur.PartnerID == nil {
			return nil, ErrNoPartner
		}
		problems, err := s.documentProblems(ctx, tx, cur)
		if err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			return nil, incomplete(problems)
		}
		u.SetDocumentStatus(courier.DocumentStatusVerified)
		if cur.HiredAt == nil {
			u.SetHiredAt(now)
		}
	case ActFire:
		items, value, err := s.equipment.Outstanding(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("equipment: %w", err)
		}
		if items > 0 {
			if !in.Force {
				return nil, ErrEquipmentOutstanding.WithDetail("items", items).WithDetail("value", value)
			}
			if !authz.FromContext(ctx).Is(authz.ForceFireRoles...) {
				return nil, fmt.Errorf("force firing: %w", apperr.ErrForbidden)
			}
			forced = true
			key := fmt.Sprintf("fire-%d-%d", id, now.UnixNano())
			if k := strings.TrimSpace(in.IdempotencyKey); k != "" {
				key = fmt.Sprintf("fire-%d-%s", id, k)
			}
			if err := s.settle(ctx, id, key); err != nil {
				return nil, fmt.Errorf("settle equipment as debt: %w", err)
			}
		}
		u.SetFiredAt(now)
	case ActRehire:
		if cur.DoNotRehire {
			return nil, ErrDoNotRehire
		}
		// A fired courier's phone may have gone to someone else meanwhile.
		if err := checkDuplicates(ctx, tx, "", cur.Phone, id); err != nil {
			return nil, err
		}
		u.ClearFiredAt().ClearHiredAt()
	}
	if _, err := u.Save(ctx); err != nil {
		if ent.IsNotFound(err) {
			return nil, ErrConcurrentChange.WithDetail("allowed", Allowed(cur.Status))
		}
		return nil, err
	}
	reason := in.Reason
	if a == ActSubmit {
		reason = "submitted_for_activation"
	}
	if forced {
		in.Comment = strings.TrimSpace("[forced: equipment outstanding recorded as debt] " + in.Comment)
	}
	from := cur.Status
	if err := history(ctx, tx, id, &from, t.to, reason, in.Comment, now); err != nil {
		return nil, err
	}
	return getCourier(ctx, tx, id)
}

// checkReason demands a reason from the configured list for block and fire,
// and a comment unless the reason waives it.
func (s *Service) checkReason(ctx context.Context, tx *ent.Client, a Action, in TransitionInput) error {
	var fs Fields
	if utf8.RuneCountInString(in.Comment) > 1000 {
		fs.Add("comment", "validation.tooLong", "is too long")
	}
	var kind statusreason.Kind
	switch a {
	case ActBlock:
		kind = statusreason.KindBlock
	case ActFire:
		kind = statusreason.KindFire
	default:
		return fs.Err()
	}
	if in.Reason == "" {
		fs.Add("reason", "validation.required", "is required")
		return fs.Err()
	}
	r, err := tx.StatusReason.Query().
		Where(statusreason.KindEQ(kind), statusreason.Code(in.Reason), statusreason.ArchivedAtIsNil()).
		Only(ctx)
	switch {
	case ent.IsNotFound(err):
		fs.Add("reason", "reason.unknown", "is not one of the configured "+string(kind)+" reasons")
	case err != nil:
		return fmt.Errorf("reason: %w", err)
	case r.CommentRequired && in.Comment == "":
		fs.Add("comment", "validation.required", "is required for this reason")
	}
	return fs.Err()
}

// history appends one status change at the service's time, with the acting user.
func history(ctx context.Context, tx *ent.Client, id int, from *courier.Status, to courier.Status, reason, comment string, at time.Time) error {
	if err := historyCreate(ctx, tx, id, from, to, reason, comment, at).Exec(ctx); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// historyCreate builds the insert of one status change. It is stamped with
// the service's clock, like the courier's status_changed_at, so the history
// (and the daily summaries counted from it) agrees with the courier row.
func historyCreate(ctx context.Context, tx *ent.Client, id int, from *courier.Status, to courier.Status, reason, comment string, at time.Time) *ent.CourierStatusChangeCreate {
	c := tx.CourierStatusChange.Create().
		SetCreatedAt(at).
		SetCourierID(id).
		SetToStatus(courierstatuschange.ToStatus(to)).
		SetReason(reason).
		SetComment(comment)
	if from != nil {
		c.SetFromStatus(courierstatuschange.FromStatus(*from))
	}
	if v := authz.FromContext(ctx); v != nil && v.Kind == authz.KindUser && v.ID != 0 {
		c.SetActorID(v.ID)
	}
	return c
}

// SetDoNotRehire sets or clears security's do-not-rehire flag.
func (s *Service) SetDoNotRehire(ctx context.Context, id int, flag bool) (*ent.Courier, error) {
	var out *ent.Courier
	err := s.inTx(ctx, func(tx *ent.Client) error {
		if _, err := getCourier(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.Courier.UpdateOneID(id).SetDoNotRehire(flag).Exec(ctx); err != nil {
			return err
		}
		var err error
		out, err = getCourier(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("do-not-rehire: courier[%d]: %w", id, err)
	}
	return out, nil
}
