package couriersvc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/idempotency"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// env is one test database with reference data and an owner acting.
type env struct {
	db      *database.DB
	svc     *couriersvc.Service
	ctx     context.Context // an owner, as a signed-in user
	userID  int
	partner int
	branch  int
	ledger  *fakeLedger
	serial  int
}

// fakeLedger is the test double of the warehouse's equipment ledger.
type fakeLedger struct {
	mu    sync.Mutex
	items map[int]int
	keys  []string // the settlement keys, in call order
}

// settle books what courier id holds as settled (a forced firing's debt).
func (l *fakeLedger) settle(_ context.Context, id int, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.items, id)
	l.keys = append(l.keys, key)
	return nil
}

// newService builds the service over db with the fake ledger; more adjusts
// the options.
func newService(t testing.TB, db *database.DB, l *fakeLedger, more func(*couriersvc.Options)) *couriersvc.Service {
	t.Helper()
	o := couriersvc.Options{Equipment: l, SettleDebt: l.settle}
	if more != nil {
		more(&o)
	}
	svc, err := couriersvc.New(db.Client, o)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (l *fakeLedger) Outstanding(_ context.Context, id int) (int, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.items[id], int64(l.items[id]) * 150000, nil
}

func newEnv(t *testing.T, d string) *env {
	t.Helper()
	db := dbtest.New(t, d)
	auth := authtest.Service(t, db)
	u := authtest.User(t, auth, authz.Owner, authz.Scope{})
	e := &env{db: db, userID: u.ID, ledger: &fakeLedger{items: map[int]int{}}}
	store, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.svc = newService(t, db, e.ledger, func(o *couriersvc.Options) { o.Documents = store })
	authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error {
		r := c.Region.Create().SetCode("TAS").SetName("Ташкент").SaveX(ctx)
		e.branch = c.Branch.Create().SetCode("TAS-1").SetName("Чиланзар").SetRegionID(r.ID).SaveX(ctx).ID
		e.partner = c.Partner.Create().SetName("Express24").SaveX(ctx).ID
		// The block and fire reasons are the defaults the migrations install.
		return nil
	})
	e.ctx = authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: u.ID, Name: u.Login, Role: authz.Owner, PII: true})
	return e
}

func (e *env) pin(t *testing.T) string {
	t.Helper()
	e.serial++
	p, err := pinfl.Make(time.Date(1995, 3, 14, 0, 0, 0, 0, time.UTC), pinfl.Male, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) input(t *testing.T) couriersvc.OnboardInput {
	e.serial++
	p, _ := pinfl.Make(time.Date(1995, 3, 14, 0, 0, 0, 0, time.UTC), pinfl.Male, e.serial)
	return couriersvc.OnboardInput{
		LastName: "Каримов", FirstName: "Азиз", Phone: fmt.Sprintf("90 %03d %02d %02d", e.serial%1000, e.serial/1000%100, 11),
		PINFL: p, TransportType: courier.TransportTypeBicycle, PartnerID: &e.partner, BranchID: &e.branch,
	}
}

func (e *env) onboard(t *testing.T) *ent.Courier {
	t.Helper()
	c, err := e.svc.Onboard(e.ctx, e.input(t))
	if err != nil {
		t.Fatalf("onboard: %v", err)
	}
	return c
}

// scan is a fresh document file to upload.
func scan() *couriersvc.File {
	return &couriersvc.File{Name: "scan.pdf", Size: int64(len(pdf)), Content: bytes.NewReader(pdf)}
}

// pdf is the smallest thing http.DetectContentType calls a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// ready gives a courier every required document, verified.
func (e *env) ready(t *testing.T, c *ent.Courier) {
	t.Helper()
	for _, g := range couriersvc.RequiredDocuments(c.TransportType) {
		d, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: g[0],
			File: &couriersvc.File{Name: "scan.pdf", Size: int64(len(pdf)), Content: bytes.NewReader(pdf)}})
		if err != nil {
			t.Fatalf("add document: %v", err)
		}
		if _, err := e.svc.VerifyDocument(e.ctx, d.ID); err != nil {
			t.Fatalf("verify: %v", err)
		}
	}
}

// to brings a fresh courier to status st through the legal path.
func (e *env) to(t *testing.T, st courier.Status) *ent.Courier {
	t.Helper()
	c := e.onboard(t)
	in := couriersvc.TransitionInput{Reason: "no_show", Comment: "c"}
	steps := map[courier.Status][]func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error){
		courier.StatusNew:     nil,
		courier.StatusActive:  {e.svc.Activate},
		courier.StatusBlocked: {e.svc.Activate, e.svc.Block},
		courier.StatusFired:   {e.svc.Activate, e.svc.Fire},
	}
	if st != courier.StatusNew {
		e.ready(t, c)
	}
	for _, f := range steps[st] {
		if st == courier.StatusFired {
			in.Reason = "own_wish"
		}
		var err error
		if c, err = f(e.ctx, c.ID, in); err != nil {
			t.Fatalf("to %s: %v", st, err)
		}
	}
	return c
}

func fieldKeys(t *testing.T, err error) map[string]string {
	t.Helper()
	inv, ok := apperr.As[apperr.Invalid](err)
	if !ok {
		t.Fatalf("want field errors, got %v", err)
	}
	out := map[string]string{}
	for f, e := range inv.Fields {
		out[f] = e.Key
	}
	return out
}

func TestOnboardReportsEveryBadFieldAndChangesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		bad := 99999
		in := couriersvc.OnboardInput{
			LastName: " ", FirstName: "Aзиз", // Latin A + Cyrillic
			Phone: "+7 900 123 45 67", PINFL: "31403950000011",
			TransportType: courier.TransportTypeCar, PartnerID: &bad,
		}
		_, err := e.svc.Onboard(e.ctx, in)
		got := fieldKeys(t, err)
		want := map[string]string{
			"lastName": "validation.required", "firstName": "name.mixedScript", "phone": "phone.countryCode",
			"pinfl": "pinfl.checksum", "vehiclePlate": "vehiclePlate.required", "partnerID": "partner.inactive",
		}
		for f, k := range want {
			if got[f] != k {
				t.Errorf("%s: got %q, want %q (all: %v)", f, got[f], k, got)
			}
		}
		if n := e.db.Client.Courier.Query().CountX(authtest.Sys()); n != 0 {
			t.Errorf("couriers after a rejected onboarding: got %d, want 0", n)
		}
	})
}

func TestOnboardNormalisesAndRecordsHistory(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		in := e.input(t)
		in.LastName, in.Phone = "  Каримов   Оглы ", "+998 (90) 123-45-67"
		in.TransportType, in.VehiclePlate = courier.TransportTypeCar, ptr("01 a 123 bc")
		c, err := e.svc.Onboard(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.LastName != "Каримов Оглы" || c.Phone != "+998901234567" || c.VehiclePlate != "01A123BC" || c.Status != courier.StatusNew {
			t.Errorf("got %q %q %q %s", c.LastName, c.Phone, c.VehiclePlate, c.Status)
		}
		if c.BirthDate.Format("2006-01-02") != "1995-03-14" || c.Gender == nil || *c.Gender != courier.GenderMale {
			t.Errorf("birth date/gender from PINFL: got %v %v", c.BirthDate, c.Gender)
		}
		if !strings.Contains(c.SearchKey, "karimov") {
			t.Errorf("search key %q lacks the Latin folding", c.SearchKey)
		}
		h := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).AllX(authtest.Sys())
		if len(h) != 1 || h[0].FromStatus != nil || h[0].ToStatus != courierstatuschange.ToStatusNew || h[0].ActorID == nil || *h[0].ActorID != e.userID {
			t.Errorf("first history entry: %+v", h)
		}
	})
}

func TestDuplicatesNameTheHolderAndPointFiredToRehire(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		active := e.to(t, courier.StatusActive)
		in := e.input(t)
		in.PINFL = active.Pinfl
		_, err := e.svc.Onboard(e.ctx, in)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.CodeConflict || ae.Details["holderId"] != fmt.Sprint(active.ID) || ae.Details["holderStatus"] != "active" {
			t.Fatalf("duplicate PINFL: got %v (%+v)", err, ae)
		}
		fired := e.to(t, courier.StatusFired)
		in = e.input(t)
		in.PINFL = fired.Pinfl
		_, err = e.svc.Onboard(e.ctx, in)
		if !errors.As(err, &ae) || ae.Key != "courier.duplicateFired" || ae.Details["suggestedAction"] != "rehireCourier" {
			t.Fatalf("fired duplicate: got %v", err)
		}
		in = e.input(t)
		in.Phone = active.Phone
		if _, err = e.svc.Onboard(e.ctx, in); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("phone of an active courier: got %v, want CONFLICT", err)
		}
		in.Phone = fired.Phone // a fired courier's old number may be reused
		if _, err = e.svc.Onboard(e.ctx, in); err != nil {
			t.Fatalf("phone of a fired courier: %v", err)
		}
	})
}

func TestEveryTransitionFromEveryState(t *testing.T) {
	type op struct {
		name string
		do   func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error)
		in   couriersvc.TransitionInput
		to   courier.Status
	}
	ops := []op{
		{"submitForActivation", func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error) {
			return e.svc.Submit
		}, couriersvc.TransitionInput{}, courier.StatusNew},
		{"activateCourier", func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error) {
			return e.svc.Activate
		}, couriersvc.TransitionInput{}, courier.StatusActive},
		{"blockCourier", func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error) {
			return e.svc.Block
		}, couriersvc.TransitionInput{Reason: "no_show", Comment: "не вышел"}, courier.StatusBlocked},
		{"unblockCourier", func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error) {
			return e.svc.Unblock
		}, couriersvc.TransitionInput{Comment: "вышел"}, courier.StatusActive},
		{"fireCourier", func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error) {
			return e.svc.Fire
		}, couriersvc.TransitionInput{Reason: "own_wish", Comment: "заявление"}, courier.StatusFired},
		{"rehireCourier", func(e *env) func(context.Context, int, couriersvc.TransitionInput) (*ent.Courier, error) {
			return e.svc.Rehire
		}, couriersvc.TransitionInput{}, courier.StatusNew},
	}
	legal := map[courier.Status][]string{
		courier.StatusNew:     {"submitForActivation", "activateCourier"},
		courier.StatusActive:  {"blockCourier", "fireCourier"},
		courier.StatusBlocked: {"unblockCourier", "fireCourier"},
		courier.StatusFired:   {"rehireCourier"},
	}
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		for _, from := range []courier.Status{courier.StatusNew, courier.StatusActive, courier.StatusBlocked, courier.StatusFired} {
			for _, o := range ops {
				t.Run(string(from)+"/"+o.name, func(t *testing.T) {
					c := e.to(t, from)
					if from == courier.StatusNew {
						e.ready(t, c)
					}
					before := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).CountX(authtest.Sys())
					audits := e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("CourierStatusChange")).CountX(authtest.Sys())
					got, err := o.do(e)(e.ctx, c.ID, o.in)
					after := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).
						Order(ent.Desc(courierstatuschange.FieldID)).AllX(authtest.Sys())
					if !slices.Contains(legal[from], o.name) {
						var ae *apperr.Error
						if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalidTransition {
							t.Fatalf("illegal: got %v, want INVALID_TRANSITION", err)
						}
						if !slices.Equal(ae.Details["allowed"].([]string), legal[from]) {
							t.Errorf("allowed: got %v, want %v", ae.Details["allowed"], legal[from])
						}
						if len(after) != before {
							t.Errorf("a refused transition wrote history")
						}
						return
					}
					if err != nil {
						t.Fatalf("legal: %v", err)
					}
					if got.Status != o.to {
						t.Errorf("status: got %s, want %s", got.Status, o.to)
					}
					if len(after) != before+1 {
						t.Fatalf("history: got %d entries, want %d", len(after), before+1)
					}
					h := after[0]
					if h.FromStatus == nil || string(*h.FromStatus) != string(from) || string(h.ToStatus) != string(o.to) ||
						h.ActorID == nil || *h.ActorID != e.userID {
						t.Errorf("history entry: %+v", h)
					}
					if o.in.Reason != "" && h.Reason != o.in.Reason || o.in.Comment != "" && h.Comment != o.in.Comment {
						t.Errorf("reason/comment: got %q/%q", h.Reason, h.Comment)
					}
					if n := e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("CourierStatusChange")).CountX(authtest.Sys()); n != audits+1 {
						t.Errorf("audit events for the history: got %d new, want 1", n-audits)
					}
				})
			}
		}
	})
}

func TestTransitionRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		t.Run("activation needs verified documents and a partner", func(t *testing.T) {
			c := e.onboard(t)
			if _, err := e.svc.Activate(e.ctx, c.ID, couriersvc.TransitionInput{}); !errors.Is(err, couriersvc.ErrDocumentsIncomplete) {
				t.Errorf("no documents: got %v", err)
			}
			in := e.input(t)
			in.PartnerID = nil
			c2, _ := e.svc.Onboard(e.ctx, in)
			e.ready(t, c2)
			_, err := e.svc.Activate(e.ctx, c2.ID, couriersvc.TransitionInput{})
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Key != "courier.noPartner" {
				t.Errorf("no partner: got %v", err)
			}
		})
		t.Run("an expired document blocks activation", func(t *testing.T) {
			c := e.onboard(t)
			e.ready(t, c)
			past := time.Now().AddDate(0, 0, -1)
			issued := past.AddDate(-1, 0, 0)
			d, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindMedicalCertificate, IssuedAt: &issued, ExpiresAt: &past, File: scan()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.VerifyDocument(e.ctx, d.ID); err != nil {
				t.Fatal(err)
			}
			got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID)
			if got.DocumentStatus != courier.DocumentStatusExpired {
				t.Errorf("document status: got %s, want expired", got.DocumentStatus)
			}
			if _, err := e.svc.Activate(e.ctx, c.ID, couriersvc.TransitionInput{}); !errors.Is(err, couriersvc.ErrDocumentsIncomplete) {
				t.Errorf("activate with an expired certificate: got %v", err)
			}
		})
		t.Run("verification needs a stored file", func(t *testing.T) {
			c := e.onboard(t)
			d, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindPassport})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.VerifyDocument(e.ctx, d.ID); !errors.Is(err, couriersvc.ErrDocumentFileRequired) {
				t.Fatalf("verify without a file: got %v, want %v", err, couriersvc.ErrDocumentFileRequired)
			}
			if got := e.db.Client.CourierDocument.GetX(authtest.Sys(), d.ID); got.Verification != courierdocument.VerificationPending {
				t.Errorf("after the refusal: %s, want pending", got.Verification)
			}
			if _, err := e.svc.AttachFile(e.ctx, d.ID, *scan()); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.VerifyDocument(e.ctx, d.ID); err != nil {
				t.Errorf("verify with a file: %v", err)
			}
		})
		t.Run("activation names each missing, pending, rejected and expired group", func(t *testing.T) {
			c := e.onboard(t)
			add := func(kind courierdocument.Kind, expires *time.Time) *ent.CourierDocument {
				t.Helper()
				d, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: kind, ExpiresAt: expires, File: scan()})
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			past := time.Now().AddDate(0, 0, -2)
			if _, err := e.svc.VerifyDocument(e.ctx, add(courierdocument.KindPassport, &past).ID); err != nil {
				t.Fatal(err)
			}
			add(courierdocument.KindMedicalCertificate, nil)
			if _, err := e.svc.RejectDocument(e.ctx, add(courierdocument.KindContract, nil).ID, "нет подписи"); err != nil {
				t.Fatal(err)
			}
			want := []string{"documents.expired:passport|id_card", "documents.pending:medical_certificate", "documents.rejected:contract", "documents.missing:photo"}
			_, err := e.svc.Activate(e.ctx, c.ID, couriersvc.TransitionInput{})
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Key != couriersvc.ErrDocumentsIncomplete.Key {
				t.Fatalf("activate: got %v, want %v", err, couriersvc.ErrDocumentsIncomplete)
			}
			if got, _ := ae.Details["documents"].([]string); !slices.Equal(got, want) {
				t.Errorf("activate: documents %v, want %v", ae.Details["documents"], want)
			}
			for _, w := range want {
				if !strings.Contains(ae.Message, w) {
					t.Errorf("message %q does not name %s", ae.Message, w)
				}
			}
			cur := e.db.Client.Courier.GetX(authtest.Sys(), c.ID)
			blockers, err := e.svc.ActivationBlockers(e.ctx, cur)
			if err != nil || !slices.Equal(blockers, want) {
				t.Errorf("activationBlockers: %v %v, want %v", blockers, err, want)
			}
		})
		t.Run("a pending document blocks activation", func(t *testing.T) {
			c := e.onboard(t)
			e.ready(t, c)
			// A newer certificate replaces the verified one and waits for review.
			if _, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindMedicalCertificate, File: scan()}); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.Activate(e.ctx, c.ID, couriersvc.TransitionInput{})
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Key != couriersvc.ErrDocumentsIncomplete.Key {
				t.Fatalf("activate with a pending certificate: got %v, want %v", err, couriersvc.ErrDocumentsIncomplete)
			}
			if got, _ := ae.Details["documents"].([]string); !slices.Equal(got, []string{"documents.pending:medical_certificate"}) {
				t.Errorf("documents %v, want the pending certificate", ae.Details["documents"])
			}
		})
		t.Run("firing needs a reason", func(t *testing.T) {
			c := e.to(t, courier.StatusActive)
			_, err := e.svc.Fire(e.ctx, c.ID, couriersvc.TransitionInput{Comment: "ушёл"})
			if k := fieldKeys(t, err)["reason"]; k != "validation.required" {
				t.Errorf("fire without a reason: got %v (key %q), want reason validation.required", err, k)
			}
			if got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID); got.Status != courier.StatusActive {
				t.Errorf("status after the refusal: %s, want active", got.Status)
			}
		})
		t.Run("block needs a configured reason and a comment", func(t *testing.T) {
			c := e.to(t, courier.StatusActive)
			for _, tc := range []struct {
				in    couriersvc.TransitionInput
				field string
				key   string
			}{
				{couriersvc.TransitionInput{}, "reason", "validation.required"},
				{couriersvc.TransitionInput{Reason: "own_wish", Comment: "x"}, "reason", "reason.unknown"},
				{couriersvc.TransitionInput{Reason: "no_show"}, "comment", "validation.required"},
			} {
				_, err := e.svc.Block(e.ctx, c.ID, tc.in)
				if k := fieldKeys(t, err)[tc.field]; k != tc.key {
					t.Errorf("%+v: got %q, want %q", tc.in, k, tc.key)
				}
			}
			if _, err := e.svc.Block(e.ctx, c.ID, couriersvc.TransitionInput{Reason: "documents_expired"}); err != nil {
				t.Errorf("a reason that waives the comment: %v", err)
			}
		})
		t.Run("equipment outstanding refuses firing unless a manager forces", func(t *testing.T) {
			c := e.to(t, courier.StatusActive)
			e.ledger.mu.Lock()
			e.ledger.items[c.ID] = 2
			e.ledger.mu.Unlock()
			in := couriersvc.TransitionInput{Reason: "own_wish", Comment: "ушёл"}
			if _, err := e.svc.Fire(e.ctx, c.ID, in); !errors.Is(err, couriersvc.ErrEquipmentOutstanding) {
				t.Fatalf("got %v, want equipment outstanding", err)
			}
			sec := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: authz.Security, PII: true})
			in.Force = true
			if _, err := e.svc.Fire(sec, c.ID, in); !errors.Is(err, apperr.ErrForbidden) {
				t.Errorf("security forcing: got %v, want FORBIDDEN", err)
			}
			got, err := e.svc.Fire(e.ctx, c.ID, in)
			if err != nil || got.Status != courier.StatusFired || got.FiredAt == nil {
				t.Fatalf("forced: %v", err)
			}
		})
		t.Run("do-not-rehire blocks rehire", func(t *testing.T) {
			c := e.to(t, courier.StatusFired)
			if got, err := e.svc.SetDoNotRehire(e.ctx, c.ID, true); err != nil || got == nil || !got.DoNotRehire {
				t.Fatalf("SetDoNotRehire = %+v, %v; want the courier flagged", got, err)
			}
			if _, err := e.svc.Rehire(e.ctx, c.ID, couriersvc.TransitionInput{}); !errors.Is(err, couriersvc.ErrDoNotRehire) {
				t.Errorf("got %v, want do-not-rehire", err)
			}
		})
		t.Run("rehire keeps history", func(t *testing.T) {
			c := e.to(t, courier.StatusFired)
			got, err := e.svc.Rehire(e.ctx, c.ID, couriersvc.TransitionInput{})
			if err != nil || got.Status != courier.StatusNew || got.FiredAt != nil {
				t.Fatalf("rehire: %v %+v", err, got)
			}
			n := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).CountX(authtest.Sys())
			if n != 4 { // onboarded, activated, fired, rehired
				t.Errorf("history entries: got %d, want 4", n)
			}
		})
		t.Run("idempotency key replays and refuses reuse", func(t *testing.T) {
			c := e.to(t, courier.StatusActive)
			in := couriersvc.TransitionInput{Reason: "no_show", Comment: "x", IdempotencyKey: "k-1"}
			if _, err := e.svc.Block(e.ctx, c.ID, in); err != nil {
				t.Fatal(err)
			}
			got, err := e.svc.Block(e.ctx, c.ID, in)
			if err != nil || got.Status != courier.StatusBlocked {
				t.Fatalf("retry: %v", err)
			}
			n := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).CountX(authtest.Sys())
			if n != 3 {
				t.Errorf("history after a retry: got %d, want 3", n)
			}
			in.Comment = "other"
			var ae *apperr.Error
			if _, err := e.svc.Block(e.ctx, c.ID, in); !errors.As(err, &ae) || ae.Key != idempotency.ErrMismatch.Key {
				t.Errorf("reuse with other input: got %v, want %v", err, idempotency.ErrMismatch)
			}
		})
		t.Run("twins with one key at once apply once", func(t *testing.T) {
			c := e.to(t, courier.StatusActive)
			in := couriersvc.TransitionInput{Reason: "no_show", Comment: "x", IdempotencyKey: "twin"}
			errs := make([]error, 6)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Add(1)
				go func() { defer wg.Done(); _, errs[i] = e.svc.Block(e.ctx, c.ID, in) }()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("twin %d: %v", i, err)
				}
			}
			n := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).CountX(authtest.Sys())
			if n != 3 { // onboarded, activated, blocked once
				t.Errorf("history entries: got %d, want 3", n)
			}
		})
	})
}

func TestConcurrentBlockAndFireWinOnceEach(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		for round := 0; round < 5; round++ {
			c := e.to(t, courier.StatusActive)
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					in := couriersvc.TransitionInput{Reason: "no_show", Comment: fmt.Sprint("racer ", i)}
					if i%2 == 1 {
						in.Reason = "own_wish"
						_, errs[i] = e.svc.Fire(e.ctx, c.ID, in)
						return
					}
					_, errs[i] = e.svc.Block(e.ctx, c.ID, in)
				}()
			}
			wg.Wait()
			wins, blocks, fires := 0, 0, 0
			for i, err := range errs {
				switch {
				case err == nil:
					wins++
					if i%2 == 1 {
						fires++
					} else {
						blocks++
					}
				case apperr.CodeOf(err) == apperr.CodeInvalidTransition, apperr.CodeOf(err) == apperr.CodeConflict:
				case d == "sqlite3" && strings.Contains(err.Error(), "database is locked"):
					// SQLite serialises writers; a timed-out one changed nothing.
				default:
					t.Errorf("loser: unclear error %v", err)
				}
			}
			h := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).
				Order(ent.Asc(courierstatuschange.FieldID)).AllX(authtest.Sys())
			// onboarded, activated, then exactly one of the racers (or a
			// block followed by a fire: block then fire is legal).
			for i := 1; i < len(h); i++ {
				if h[i].FromStatus == nil || string(*h[i].FromStatus) != string(h[i-1].ToStatus) {
					t.Fatalf("history out of order: %v → %v", h[i-1].ToStatus, h[i].FromStatus)
				}
			}
			// Each transition wins at most once (a second block or fire
			// finds the state gone); block then fire is the only pair.
			if wins == 0 || blocks > 1 || fires > 1 || len(h) != 2+wins {
				t.Errorf("round %d: %d blocks and %d fires won, history has %d rows", round, blocks, fires, len(h))
			}
			if blocks == 1 && fires == 1 && (h[2].ToStatus != courierstatuschange.ToStatusBlocked || h[3].ToStatus != courierstatuschange.ToStatusFired) {
				t.Errorf("round %d: both won, but history is %v then %v, want blocked then fired", round, h[2].ToStatus, h[3].ToStatus)
			}
		}
	})
}

func TestDocumentsFileChecksAndExpiringQuery(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		_, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindPassport,
			File: &couriersvc.File{Name: "x.exe", Content: strings.NewReader("MZ\x90\x00 this is not a scan")}})
		if k := fieldKeys(t, err)["file"]; k != "file.type" {
			t.Errorf("executable: got %q", k)
		}
		big := newService(t, e.db, e.ledger, func(o *couriersvc.Options) { o.Documents, o.MaxFileSize = e.svc.Documents(), 64 })
		_, err = big.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindPassport,
			File: &couriersvc.File{Name: "a.pdf", Size: 10, Content: bytes.NewReader(append(pdf, make([]byte, 100)...))}})
		if k := fieldKeys(t, err)["file"]; k != "file.tooLarge" {
			t.Errorf("a file larger than it claimed: got %q", k)
		}
		soon := time.Now().AddDate(0, 0, 10)
		later := time.Now().AddDate(1, 0, 0)
		d1, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindMedicalCertificate, ExpiresAt: &soon})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindPassport, ExpiresAt: &later}); err != nil {
			t.Fatal(err)
		}
		q, err := e.svc.ExpiringDocuments(e.ctx, 30)
		if err != nil {
			t.Fatal(err)
		}
		ids := q.IDsX(e.ctx)
		if !slices.Equal(ids, []int{d1.ID}) {
			t.Errorf("expiring within 30 days: got %v, want [%d]", ids, d1.ID)
		}
		if _, err := e.svc.RejectDocument(e.ctx, d1.ID, " "); fieldKeys(t, err)["reason"] != "validation.required" {
			t.Errorf("reject without reason: %v", err)
		}
		got, err := e.svc.RejectDocument(e.ctx, d1.ID, "нечитаемо")
		if err != nil || got.Verification != courierdocument.VerificationRejected || got.VerifiedByID == nil || got.RejectionReason != "нечитаемо" {
			t.Errorf("reject: %v %+v", err, got)
		}
	})
}

// A newer document of the same kind archives the one it replaces, and the
// trail names that document (a bulk update's event named none).
func TestReplacingADocumentArchivesItByName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		add := func() *ent.CourierDocument {
			doc, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindMedicalCertificate})
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
		old := add()
		updates := func() []*ent.AuditEvent {
			return e.db.Client.AuditEvent.Query().
				Where(auditevent.EntityType("CourierDocument"), auditevent.Operation("CourierDocument.update")).AllX(authtest.Sys())
		}
		before := len(updates())
		newer := add()
		evs := updates()[before:]
		if len(evs) != 1 || evs[0].EntityID == nil || *evs[0].EntityID != old.ID {
			t.Fatalf("archive events: want one naming document %d, got %d: %+v", old.ID, len(evs), evs)
		}
		if got := e.db.Client.CourierDocument.GetX(authtest.Sys(), old.ID); got.ArchivedAt == nil {
			t.Errorf("document %d not archived", old.ID)
		}
		if got := e.db.Client.CourierDocument.GetX(authtest.Sys(), newer.ID); got.ArchivedAt != nil {
			t.Errorf("the new document %d is archived", newer.ID)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestBackfillSearchKeys(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		if _, err := e.db.SQL.Exec("UPDATE couriers SET search_key = ''"); err != nil {
			t.Fatal(err)
		}
		n, err := e.svc.BackfillSearchKeys(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		if got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID).SearchKey; !strings.HasPrefix(got, "karimov aziz") {
			t.Errorf("key: %q", got)
		}
	})
}

func TestUpdateCourier(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		a, b := e.onboard(t), e.onboard(t)
		car := courier.TransportTypeCar
		_, err := e.svc.Update(e.ctx, a.ID, couriersvc.UpdateInput{TransportType: &car, Phone: ptr(b.Phone)})
		if k := fieldKeys(t, err)["vehiclePlate"]; k != "vehiclePlate.required" {
			t.Errorf("car without plate: got %q", k)
		}
		if _, err := e.svc.Update(e.ctx, a.ID, couriersvc.UpdateInput{Phone: ptr(b.Phone)}); !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("phone of another courier: got %v", err)
		}
		got, err := e.svc.Update(e.ctx, a.ID, couriersvc.UpdateInput{LastName: ptr("Tursunov"), Phone: ptr("99 888 77 66"), TransportType: &car, VehiclePlate: ptr("01 b 777 aa")})
		if err != nil {
			t.Fatal(err)
		}
		if got.LastName != "Tursunov" || got.Phone != "+998998887766" || got.VehiclePlate != "01B777AA" || got.SearchKey != "tursunov aziz 998998887766" {
			t.Errorf("updated: %q %q %q key %q", got.LastName, got.Phone, got.VehiclePlate, got.SearchKey)
		}
		// A car courier now needs a driver licence: the document status says so.
		if got.DocumentStatus != courier.DocumentStatusMissing {
			t.Errorf("document status: %s", got.DocumentStatus)
		}
	})
}

func TestRefreshExpiredFlagsCouriers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.to(t, courier.StatusActive)
		// A verified certificate that ran out yesterday, as time passes.
		authtest.Tx(t, e.db, func(ctx context.Context, tx *ent.Client) error {
			return tx.CourierDocument.Update().
				Where(courierdocument.CourierID(c.ID), courierdocument.KindEQ(courierdocument.KindMedicalCertificate), courierdocument.ArchivedAtIsNil()).
				SetExpiresAt(time.Now().AddDate(0, 0, -1)).Exec(ctx)
		})
		n, err := e.svc.RefreshExpired(authtest.Sys())
		if err != nil || n != 1 {
			t.Fatalf("refresh: %d %v", n, err)
		}
		if got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID); got.DocumentStatus != courier.DocumentStatusExpired {
			t.Errorf("document status: got %s, want expired", got.DocumentStatus)
		}
		if n, _ := e.svc.RefreshExpired(authtest.Sys()); n != 0 {
			t.Errorf("second sweep changed %d", n)
		}
	})
}

func TestImport(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		good1, good2 := e.pin(t), e.pin(t)
		csvData := "Фамилия;Имя;phone;pinfl;transport_type;partner;branch\n" +
			"Каримов;Азиз;90 111 22 33;" + good1 + ";bicycle;Express24;TAS-1\n" +
			"Иванова;Анна;+998 91 222 33 44;" + good2 + ";foot;;\n" +
			"X;Б0б;123;12345678901234;plane;Nobody;\n"
		t.Run("dry run reports per row and column, imports nothing", func(t *testing.T) {
			rep, err := e.svc.Import(e.ctx, strings.NewReader(csvData), couriersvc.ImportOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rows != 3 || rep.Created != 2 || rep.Failed != 1 {
				t.Errorf("report: %+v", rep)
			}
			cols := map[string]bool{}
			for _, x := range rep.Errors {
				if x.Row != 4 {
					t.Errorf("error on row %d, want 4: %+v", x.Row, x)
				}
				cols[x.Column] = true
			}
			for _, c := range []string{"last_name", "first_name", "phone", "pinfl", "transport_type", "partner"} {
				if !cols[c] {
					t.Errorf("no error for column %s: %+v", c, rep.Errors)
				}
			}
			if n := e.db.Client.Courier.Query().CountX(authtest.Sys()); n != 0 {
				t.Errorf("dry run created %d couriers", n)
			}
		})
		t.Run("a real run with a bad row imports nothing", func(t *testing.T) {
			rep, err := e.svc.Import(e.ctx, strings.NewReader(csvData), couriersvc.ImportOptions{})
			if err != nil || rep.Created != 0 || rep.Failed != 1 {
				t.Fatalf("got %+v %v", rep, err)
			}
			if n := e.db.Client.Courier.Query().CountX(authtest.Sys()); n != 0 {
				t.Errorf("created %d couriers", n)
			}
		})
		good := strings.Join(strings.Split(csvData, "\n")[:3], "\n") + "\n"
		t.Run("good rows import, and again change nothing", func(t *testing.T) {
			rep, err := e.svc.Import(e.ctx, strings.NewReader(good), couriersvc.ImportOptions{})
			if err != nil || rep.Created != 2 || rep.Failed != 0 {
				t.Fatalf("got %+v %v", rep, err)
			}
			rep, err = e.svc.Import(e.ctx, strings.NewReader(good), couriersvc.ImportOptions{})
			if err != nil || rep.Created != 0 || rep.Unchanged != 2 {
				t.Fatalf("re-import: got %+v %v", rep, err)
			}
			if n := e.db.Client.Courier.Query().CountX(authtest.Sys()); n != 2 {
				t.Errorf("couriers: got %d, want 2", n)
			}
		})
		t.Run("xlsx", func(t *testing.T) {
			f := excelize.NewFile()
			rows := [][]any{{"last_name", "first_name", "phone", "pinfl", "transport_type", "vehicle_plate"},
				{"Rahimov", "Bobur", "93 555 66 77", e.pin(t), "moto", "01A1234"}}
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				_ = f.SetSheetRow("Sheet1", cell, &r)
			}
			var buf bytes.Buffer
			_ = f.Write(&buf)
			rep, err := e.svc.Import(e.ctx, &buf, couriersvc.ImportOptions{})
			if err != nil || rep.Created != 1 {
				t.Fatalf("got %+v %v", rep, err)
			}
		})
		t.Run("xlsx date cells and date text", func(t *testing.T) {
			// Excel stores a date as a day serial with a date number
			// format; excelize shows it as "09-20-90", which was refused.
			birth := time.Date(1990, 9, 20, 0, 0, 0, 0, time.UTC)
			f := excelize.NewFile()
			_ = f.SetSheetRow("Sheet1", "A1", &[]any{"last_name", "first_name", "phone", "pinfl", "birth_date", "transport_type"})
			style, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // Excel's standard short date
			if err != nil {
				t.Fatal(err)
			}
			pins := []string{}
			for i, date := range []any{birth, "1990-09-20", "20.09.1990"} {
				serial := 900 + i
				p, _ := pinfl.Make(birth, pinfl.Male, serial)
				pins = append(pins, p)
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				_ = f.SetSheetRow("Sheet1", cell, &[]any{"Rahimov", "Bobur", fmt.Sprintf("93 555 %02d 7%d", 60+i, i), p, date, "foot"})
			}
			if err := f.SetCellStyle("Sheet1", "E2", "E2", style); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			_ = f.Write(&buf)
			rep, err := e.svc.Import(e.ctx, &buf, couriersvc.ImportOptions{})
			if err != nil || rep.Created != 3 {
				t.Fatalf("got %+v %v, want 3 created", rep, err)
			}
			for _, p := range pins {
				c := e.db.Client.Courier.Query().Where(courier.Pinfl(p)).OnlyX(authtest.Sys())
				if !c.BirthDate.Equal(birth) {
					t.Errorf("courier %s: birth date %v, want %v", p, c.BirthDate, birth)
				}
			}
		})
		for name, data := range map[string]string{
			"wrong columns":  "name,surname\nA,B\n",
			"binary garbage": "\x00\x01\x02\xff\xfe garbage",
			"broken xlsx":    "PK\x03\x04 not really a zip",
			"broken csv":     "last_name,first_name,phone,pinfl,transport_type\n\"unterminated,quote\n",
			"enormous":       strings.Repeat("x", couriersvc.MaxImportBytes+1),
		} {
			t.Run(name, func(t *testing.T) {
				before := e.db.Client.Courier.Query().CountX(authtest.Sys())
				_, err := e.svc.Import(e.ctx, strings.NewReader(data), couriersvc.ImportOptions{})
				if apperr.CodeOf(err) != apperr.CodeBadUserInput {
					t.Errorf("got %v, want BAD_USER_INPUT", err)
				}
				if n := e.db.Client.Courier.Query().CountX(authtest.Sys()); n != before {
					t.Errorf("imported %d couriers", n-before)
				}
			})
		}
	})
}

func TestSearch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		mk := func(last, first, phone string) *ent.Courier {
			in := e.input(t)
			in.LastName, in.FirstName, in.Phone = last, first, phone
			c, err := e.svc.Onboard(e.ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		a := mk("Хасанов", "Шерзод", "90 700 00 01")
		b := mk("Khasanova", "Dilnoza", "91 700 00 02")
		c := mk("Петров", "Иван", "93 800 12 34")
		for _, tc := range []struct {
			q    string
			want []int
		}{
			{"хасан", []int{a.ID, b.ID}},
			{"XASAN", []int{a.ID, b.ID}},
			{"khasanov", []int{a.ID, b.ID}},
			{"шерзод хасанов", []int{a.ID}},
			{"sherzod", []int{a.ID}},
			{"ПЕТР", []int{c.ID}},
			{"+998 (93) 800-12-34", []int{c.ID}},
			{"938001234", []int{c.ID}},
			{"800 12", []int{c.ID}},
			{c.Pinfl[:13], []int{c.ID}},
			{c.Pinfl[:7], []int{a.ID, b.ID, c.ID}},
			{"zzz", nil},
		} {
			p, err := couriersvc.Search(e.ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := e.db.Client.Courier.Query().Where(p).Order(ent.Asc(courier.FieldID)).IDsX(e.ctx)
			if !slices.Equal(got, tc.want) {
				t.Errorf("search %q: got %v, want %v", tc.q, got, tc.want)
			}
		}
		// A masked viewer cannot find couriers by what is hidden from them.
		wh := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: authz.Warehouse})
		p, _ := couriersvc.Search(wh, c.Pinfl[:9])
		if n := e.db.Client.Courier.Query().Where(p).CountX(wh); n != 0 {
			t.Errorf("warehouse found %d couriers by PINFL prefix", n)
		}
	})
}

func TestExportHonoursMasking(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		var full, masked bytes.Buffer
		if _, err := e.svc.Export(e.ctx, &full, "csv", nil); err != nil {
			t.Fatal(err)
		}
		wh := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: authz.Warehouse})
		if n, err := e.svc.Export(wh, &masked, "csv", nil); err != nil || n != 1 {
			t.Fatalf("warehouse export: %d %v", n, err)
		}
		if !strings.Contains(full.String(), c.Pinfl) {
			t.Errorf("owner export lacks the PINFL")
		}
		if strings.Contains(masked.String(), c.Pinfl) || strings.Contains(masked.String(), c.Phone) {
			t.Errorf("warehouse export shows personal data:\n%s", masked.String())
		}
		var x bytes.Buffer
		if _, err := e.svc.Export(e.ctx, &x, "xlsx", nil); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&x)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Sheet1")
		if len(rows) != 2 || rows[1][5] != c.Pinfl {
			t.Errorf("xlsx rows: %v", rows)
		}
	})
}

// TestOutOfScopeSaysSo: a scoped viewer naming a partner outside its scope,
// or a change that would take its own courier out of it, is told "outside
// your scope" — not "not found" or "no such active partner" — and nothing
// changes.
func TestOutOfScopeSaysSo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		var other int
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			other = c.Partner.Create().SetName("Чужой партнёр").SaveX(ctx).ID
			return nil
		})
		c := e.onboard(t)
		scoped := func(role authz.Role) context.Context {
			return authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: role,
				PII: true, Scope: authz.Scope{Partners: []int{e.partner}}})
		}
		manager := scoped(authz.Manager)

		_, err := e.svc.Update(manager, c.ID, couriersvc.UpdateInput{ClearPartner: true})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Key != couriersvc.ErrMovesOutOfScope.Key {
			t.Errorf("manager clearing the partner: got %v, want %v", err, couriersvc.ErrMovesOutOfScope)
		}
		if got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID); got.PartnerID == nil || *got.PartnerID != e.partner {
			t.Errorf("partner after the refusal: %v, want %d", got.PartnerID, e.partner)
		}
		_, err = e.svc.Update(manager, c.ID, couriersvc.UpdateInput{PartnerID: &other})
		if k := fieldKeys(t, err)["partnerID"]; k != "partner.outOfScope" {
			t.Errorf("manager moving to another partner: got %v (key %q), want partner.outOfScope", err, k)
		}

		onboarding := scoped(authz.Onboarding)
		in := e.input(t)
		in.PartnerID = &other
		if _, err := e.svc.Onboard(onboarding, in); fieldKeys(t, err)["partnerID"] != "partner.outOfScope" {
			t.Errorf("onboarding for another partner: got %v, want partner.outOfScope", err)
		}
		missing := 1 << 40
		in.PartnerID = &missing
		if _, err := e.svc.Onboard(onboarding, in); fieldKeys(t, err)["partnerID"] != "partner.inactive" {
			t.Errorf("onboarding for a missing partner: got %v, want partner.inactive", err)
		}

		csvData := "last_name,first_name,phone,pinfl,transport_type,partner\n" +
			"Каримов,Азиз,90 555 44 33," + e.pin(t) + ",foot,Чужой партнёр\n"
		rep, err := e.svc.Import(onboarding, strings.NewReader(csvData), couriersvc.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Key != "partner.outOfScope" {
			t.Errorf("import for another partner: errors %+v, want one partner.outOfScope", rep.Errors)
		}
	})
}

// TestRehireNamesTheCourierWhoNowHoldsThePhone: a fired courier's number
// may go to someone else; rehiring the fired one then fails with the
// conflict naming the new holder, as onboarding does.
func TestRehireNamesTheCourierWhoNowHoldsThePhone(t *testing.T) {
	e := newEnv(t, "sqlite3")
	fired := e.to(t, courier.StatusFired)
	in := e.input(t)
	in.Phone = fired.Phone
	holder, err := e.svc.Onboard(e.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Rehire(e.ctx, fired.ID, couriersvc.TransitionInput{})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.CodeConflict || ae.Details["field"] != "phone" || ae.Details["holderId"] != fmt.Sprint(holder.ID) {
		t.Fatalf("rehire with the phone now held by courier %d: got %v (%+v), want CONFLICT on phone naming the holder", holder.ID, err, ae)
	}
}

// TestActivationRecordsTheHireDateAndRehireStartsAfresh: the first
// activation is the hire date; a rehired courier has none until activated
// again.
func TestActivationRecordsTheHireDateAndRehireStartsAfresh(t *testing.T) {
	e := newEnv(t, "sqlite3")
	c := e.to(t, courier.StatusActive)
	if c.HiredAt == nil || time.Since(*c.HiredAt).Abs() > time.Minute {
		t.Fatalf("active courier hired at %v, want the activation time", c.HiredAt)
	}
	c, err := e.svc.Fire(e.ctx, c.ID, couriersvc.TransitionInput{Reason: "own_wish", Comment: "заявление"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.svc.Rehire(e.ctx, c.ID, couriersvc.TransitionInput{}); err != nil {
		t.Fatal(err)
	}
	if c.HiredAt != nil {
		t.Errorf("rehired courier hired at %v, want none until activated", *c.HiredAt)
	}
}

// TestTransitionCommentMayHaveUpTo1000Characters: counted in characters
// (Cyrillic is two bytes each), 1000 is accepted and 1001 refused.
func TestTransitionCommentMayHaveUpTo1000Characters(t *testing.T) {
	e := newEnv(t, "sqlite3")
	c := e.to(t, courier.StatusActive)
	long := strings.Repeat("ж", 1001)
	_, err := e.svc.Block(e.ctx, c.ID, couriersvc.TransitionInput{Reason: "no_show", Comment: long})
	if inv, ok := apperr.As[apperr.Invalid](err); !ok || inv.Fields["comment"].Key != "validation.tooLong" {
		t.Fatalf("1001-character comment: %v, want validation.tooLong on comment", err)
	}
	if _, err := e.svc.Block(e.ctx, c.ID, couriersvc.TransitionInput{Reason: "no_show", Comment: long[:len(long)-len("ж")]}); err != nil {
		t.Errorf("1000-character comment: %v, want accepted", err)
	}
}

// TestEachForcedFiringSettlesUnderItsOwnKey: the warehouse replays a
// settlement whose key it has seen, so a courier fired with equipment,
// rehired, given equipment again and fired again must be settled under a
// new key (or the second debt is never booked); a keyed request settles
// under its own key, so its retry is the same settlement.
func TestEachForcedFiringSettlesUnderItsOwnKey(t *testing.T) {
	e := newEnv(t, "sqlite3")
	c := e.to(t, courier.StatusActive)
	hold := func() {
		e.ledger.mu.Lock()
		defer e.ledger.mu.Unlock()
		e.ledger.items[c.ID] = 1
	}
	fire := func(key string) {
		t.Helper()
		hold()
		if _, err := e.svc.Fire(e.ctx, c.ID, couriersvc.TransitionInput{Reason: "own_wish", Comment: "x", Force: true, IdempotencyKey: key}); err != nil {
			t.Fatalf("forced firing: %v", err)
		}
	}
	again := func() {
		t.Helper()
		if _, err := e.svc.Rehire(e.ctx, c.ID, couriersvc.TransitionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Activate(e.ctx, c.ID, couriersvc.TransitionInput{}); err != nil {
			t.Fatal(err)
		}
	}
	fire("")
	again()
	fire("")
	again()
	fire("fire-req-7")
	e.ledger.mu.Lock()
	keys := slices.Clone(e.ledger.keys)
	e.ledger.mu.Unlock()
	if len(keys) != 3 {
		t.Fatalf("settlements: %q, want 3", keys)
	}
	if keys[0] == keys[1] {
		t.Errorf("two unkeyed forced firings settled under one key %q: the second debt would be replayed away", keys[0])
	}
	if !strings.HasSuffix(keys[2], "-fire-req-7") {
		t.Errorf("keyed forced firing settled under %q, want the request's key in it", keys[2])
	}
}

// TestRehireIntoAPhoneHeldElsewhereIsAudited: a manager rehiring a courier
// whose phone another partner's courier now holds is told only that the
// number is taken outside their scope, and the attempt is audited (with the
// holder), as onboarding's is: repeated, it would probe other partners.
func TestRehireIntoAPhoneHeldElsewhereIsAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		var other int
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			other = c.Partner.Create().SetName("Чужой партнёр").SaveX(ctx).ID
			return nil
		})
		fired := e.to(t, courier.StatusFired)
		in := e.input(t)
		in.Phone, in.PartnerID = fired.Phone, &other
		holder, err := e.svc.Onboard(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		manager := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: authz.Manager,
			PII: true, Scope: authz.Scope{Partners: []int{e.partner}}})
		_, err = e.svc.Rehire(manager, fired.ID, couriersvc.TransitionInput{})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Key != "courier.phoneTakenElsewhere" || ae.Details["holderId"] != nil {
			t.Fatalf("rehire into a phone held elsewhere: got %v, want courier.phoneTakenElsewhere naming no holder", err)
		}
		evs := e.db.Client.AuditEvent.Query().Where(auditevent.Operation("courier.phoneTakenElsewhere")).AllX(authtest.Sys())
		if len(evs) != 1 || evs[0].EntityID == nil || *evs[0].EntityID != holder.ID ||
			evs[0].Changes["attempted"] != "rehireCourier" || evs[0].Changes["phone"] != fired.Phone {
			t.Errorf("audit of the attempt: %+v, want one courier.phoneTakenElsewhere on courier %d by rehireCourier", evs, holder.ID)
		}
		if got := e.db.Client.Courier.GetX(authtest.Sys(), fired.ID); got.Status != courier.StatusFired {
			t.Errorf("status after the refusal: %s, want fired", got.Status)
		}
	})
}

// TestDocumentFieldsAndFileSizeAtTheirBounds: the document number may have
// 50 characters (Cyrillic counted as one), an expiry must come after the
// issue date, an issue date may not be in the future, and a file of exactly
// MaxFileSize is stored whole — with or without an idempotency key (a keyed
// upload is read first to fingerprint it) — while one byte more is refused.
func TestDocumentFieldsAndFileSizeAtTheirBounds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		add := func(svc *couriersvc.Service, in couriersvc.DocumentInput) (*ent.CourierDocument, error) {
			in.CourierID = c.ID
			if in.Kind == "" {
				in.Kind = courierdocument.KindContract
			}
			return svc.AddDocument(e.ctx, in)
		}
		n50 := strings.Repeat("№", 50)
		if doc, err := add(e.svc, couriersvc.DocumentInput{Number: ptr(" " + n50 + " ")}); err != nil || doc.Number != n50 {
			t.Errorf("a 50-character number: %v, %+v; want it kept", err, doc)
		}
		if _, err := add(e.svc, couriersvc.DocumentInput{Number: ptr(n50 + "1")}); fieldKeys(t, err)["number"] != "validation.tooLong" {
			t.Errorf("a 51-character number: %v, want number validation.tooLong", err)
		}
		issued := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		for _, exp := range []time.Time{issued, issued.AddDate(0, 0, -1)} {
			if _, err := add(e.svc, couriersvc.DocumentInput{IssuedAt: &issued, ExpiresAt: &exp}); fieldKeys(t, err)["expiresAt"] != "document.expiresBeforeIssued" {
				t.Errorf("expires %s, issued %s: %v, want expiresAt document.expiresBeforeIssued", exp.Format(time.DateOnly), issued.Format(time.DateOnly), err)
			}
		}
		next := issued.AddDate(0, 0, 1)
		if _, err := add(e.svc, couriersvc.DocumentInput{IssuedAt: &issued, ExpiresAt: &next}); err != nil {
			t.Errorf("expires the day after issue: %v", err)
		}
		if _, err := add(e.svc, couriersvc.DocumentInput{IssuedAt: &issued}); err != nil {
			t.Errorf("issued, no expiry: %v", err)
		}
		tomorrow := time.Now().AddDate(0, 0, 1)
		if _, err := add(e.svc, couriersvc.DocumentInput{IssuedAt: &tomorrow}); fieldKeys(t, err)["issuedAt"] != "document.issuedInFuture" {
			t.Errorf("issued tomorrow: %v, want issuedAt document.issuedInFuture", err)
		}

		const limit = 64
		small := newService(t, e.db, e.ledger, func(o *couriersvc.Options) { o.Documents, o.MaxFileSize = e.svc.Documents(), limit })
		file := func(n int) *couriersvc.File {
			b := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), n-len("%PDF-1.4\n"))...)
			return &couriersvc.File{Name: "scan.pdf", Size: int64(n), Content: bytes.NewReader(b)}
		}
		for _, key := range []string{"", "upload-at-limit"} {
			doc, err := add(small, couriersvc.DocumentInput{Kind: courierdocument.KindPhoto, File: file(limit), IdempotencyKey: key})
			if err != nil {
				t.Fatalf("key %q: a file of exactly %d bytes: %v", key, limit, err)
			}
			r, err := small.Documents().Open(e.ctx, doc.StorageKey)
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := io.ReadAll(r)
			_ = r.Close()
			if doc.FileSize != limit || len(stored) != limit {
				t.Errorf("key %q: a file of exactly %d bytes stored as %d (recorded %d)", key, limit, len(stored), doc.FileSize)
			}
			over := ""
			if key != "" {
				over = key + "-over"
			}
			if _, err := add(small, couriersvc.DocumentInput{Kind: courierdocument.KindPhoto, File: file(limit + 1), IdempotencyKey: over}); fieldKeys(t, err)["file"] != "file.tooLarge" {
				t.Errorf("key %q: a file of %d bytes: %v, want file.tooLarge", key, limit+1, err)
			}
		}
		// The name goes into a download header: separators, quotes and
		// control characters are replaced, spaces kept, 200 characters at most.
		named := scan()
		named.Name = "сбор/ка\\скан \"1\"\t\x1f~.pdf"
		if doc, err := add(e.svc, couriersvc.DocumentInput{File: named}); err != nil || doc.FileName != "сбор_ка_скан _1___~.pdf" {
			t.Errorf("file name %q: stored as %+v (%v)", named.Name, doc, err)
		}
		if _, err := add(e.svc, couriersvc.DocumentInput{File: &couriersvc.File{Name: "empty.pdf", Content: strings.NewReader("")}}); fieldKeys(t, err)["file"] != "file.empty" {
			t.Errorf("an empty file: %v, want file.empty", err)
		}
		broken := errors.New("connection reset by peer")
		before := e.db.Client.CourierDocument.Query().CountX(authtest.Sys())
		if _, err := add(e.svc, couriersvc.DocumentInput{File: &couriersvc.File{Name: "cut.pdf", Content: iotest.ErrReader(broken)}}); !errors.Is(err, broken) {
			t.Errorf("an upload cut short: %v, want the read error", err)
		}
		if after := e.db.Client.CourierDocument.Query().CountX(authtest.Sys()); after != before {
			t.Errorf("documents after an upload cut short: %d, want %d", after, before)
		}
	})
}

// TestANewScanSendsTheDocumentAndTheCourierBackToReview: attaching a new
// file to a verified document makes it pending again, and with it the
// courier's document status; the new file is kept.
func TestANewScanSendsTheDocumentAndTheCourierBackToReview(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		e.ready(t, c)
		if got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID); got.DocumentStatus != courier.DocumentStatusVerified {
			t.Fatalf("document status with every document verified: %s", got.DocumentStatus)
		}
		doc := e.db.Client.CourierDocument.Query().Where(courierdocument.CourierID(c.ID), courierdocument.KindEQ(courierdocument.KindContract)).OnlyX(authtest.Sys())
		got, err := e.svc.AttachFile(e.ctx, doc.ID, *scan())
		if err != nil {
			t.Fatal(err)
		}
		if got.Verification != courierdocument.VerificationPending || got.VerifiedAt != nil || got.StorageKey == doc.StorageKey {
			t.Errorf("document after a new scan: %s, verified at %v, key %q (was %q); want pending, unverified, a new file", got.Verification, got.VerifiedAt, got.StorageKey, doc.StorageKey)
		}
		r, err := e.svc.Documents().Open(e.ctx, got.StorageKey)
		if err != nil {
			t.Fatalf("the new scan: %v", err)
		}
		_ = r.Close()
		if st := e.db.Client.Courier.GetX(authtest.Sys(), c.ID).DocumentStatus; st != courier.DocumentStatusPending {
			t.Errorf("courier's document status after a new scan: %s, want pending", st)
		}
	})
}

// TestExpiringDocumentsTakesZeroToTenYears: the window is 0 (expired or
// expiring today) to 3660 days, both included; outside it is refused.
func TestExpiringDocumentsTakesZeroToTenYears(t *testing.T) {
	e := newEnv(t, "sqlite3")
	for days, ok := range map[int]bool{-1: false, 0: true, 3660: true, 3661: false} {
		_, err := e.svc.ExpiringDocuments(e.ctx, days)
		if ok && err != nil {
			t.Errorf("%d days: %v, want accepted", days, err)
		}
		if !ok && fieldKeys(t, err)["days"] != "validation.invalidValue" {
			t.Errorf("%d days: %v, want days validation.invalidValue", days, err)
		}
	}
	// A document expiring on the window's last day is in it; one day later is not.
	c := e.onboard(t)
	edge := time.Now().UTC().AddDate(0, 0, 10)
	d, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindMedicalCertificate, ExpiresAt: &edge})
	if err != nil {
		t.Fatal(err)
	}
	for days, want := range map[int][]int{10: {d.ID}, 9: nil} {
		q, err := e.svc.ExpiringDocuments(e.ctx, days)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.IDsX(e.ctx); !slices.Equal(got, want) {
			t.Errorf("expiring within %d days of a document expiring in 10: %v, want %v", days, got, want)
		}
	}
}

// TestExportReadsEveryPage: the export reads 1000 couriers a page; 1001
// couriers are all exported (the last one on a second page).
func TestExportReadsEveryPage(t *testing.T) {
	e := newEnv(t, "sqlite3")
	var b strings.Builder
	b.WriteString("last_name,first_name,phone,pinfl,transport_type\n")
	const n = 1001
	for i := 1; i <= n; i++ {
		p, err := pinfl.Make(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), pinfl.Male, 5000+i)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "Каримов,Азиз,+99890%07d,%s,foot\n", i, p)
	}
	if rep, err := e.svc.Import(e.ctx, strings.NewReader(b.String()), couriersvc.ImportOptions{}); err != nil || rep.Created != n {
		t.Fatalf("import of %d couriers: %+v, %v", n, rep, err)
	}
	var out bytes.Buffer
	got, err := e.svc.Export(e.ctx, &out, "csv", nil)
	if err != nil || got != n {
		t.Fatalf("export: %d couriers, %v; want %d", got, err, n)
	}
	if lines := strings.Count(out.String(), "\n"); lines != n+1 {
		t.Errorf("export: %d lines, want %d (a header and %d couriers)", lines, n+1, n)
	}
}

// TestOnlyTheSecurityServicesExportIsAudited: the security service sees
// PINFLs and phones in full, so its export is written to the audit trail
// (once, with how many couriers); an owner's is not.
func TestOnlyTheSecurityServicesExportIsAudited(t *testing.T) {
	e := newEnv(t, "sqlite3")
	e.onboard(t)
	e.onboard(t)
	audited := func() []*ent.AuditEvent {
		return e.db.Client.AuditEvent.Query().Where(auditevent.Operation(couriersvc.PersonalDataExportOperation)).AllX(authtest.Sys())
	}
	if _, err := e.svc.Export(e.ctx, io.Discard, "csv", nil); err != nil {
		t.Fatal(err)
	}
	if evs := audited(); len(evs) != 0 {
		t.Errorf("an owner's export: %d audit events, want none", len(evs))
	}
	sec := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: authz.Security, PII: true})
	if _, err := e.svc.Export(sec, io.Discard, "csv", map[string]any{"search": "Каримов"}); err != nil {
		t.Fatal(err)
	}
	if evs := audited(); len(evs) != 1 || fmt.Sprint(evs[0].Changes["couriers"]) != "2" {
		t.Errorf("the security service's export: %+v, want one %s event counting 2 couriers", evs, couriersvc.PersonalDataExportOperation)
	}
}
