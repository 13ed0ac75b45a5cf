package authz_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// The privacy policy (policy.go) rule by rule, through a real ent client on
// both databases: each rule with a write or read it lets through and one it
// refuses, and the error it refuses with.

// policyWorld is two of everything: the "in" side is what the scoped
// viewers below are assigned, the "out" side is not.
type policyWorld struct {
	db                        *database.DB
	regionIn, regionOut       int
	branchIn, branchOut       int
	partnerIn, partnerOut     int
	warehouseIn, warehouseOut int
	courierIn, courierOut     int
	bag                       int
	movement, statusChange    int
}

func newPolicyWorld(t *testing.T, d string) *policyWorld {
	t.Helper()
	w := &policyWorld{db: dbtest.New(t, d)}
	authtest.Tx(t, w.db, func(ctx context.Context, c *ent.Client) error {
		w.regionIn = c.Region.Create().SetName("Ташкент").SetCode("TAS").SaveX(ctx).ID
		w.regionOut = c.Region.Create().SetName("Самарканд").SetCode("SAM").SaveX(ctx).ID
		w.branchIn = c.Branch.Create().SetName("Юнусабад").SetCode("TAS-YU").SetRegionID(w.regionIn).SaveX(ctx).ID
		w.branchOut = c.Branch.Create().SetName("Центр").SetCode("SAM-C").SetRegionID(w.regionOut).SaveX(ctx).ID
		w.partnerIn = c.Partner.Create().SetName("Express").SaveX(ctx).ID
		w.partnerOut = c.Partner.Create().SetName("Tez").SaveX(ctx).ID
		w.warehouseIn = c.Warehouse.Create().SetName("Склад 1").SetCode("W1").SetBranchID(w.branchIn).SaveX(ctx).ID
		w.warehouseOut = c.Warehouse.Create().SetName("Склад 2").SetCode("W2").SetBranchID(w.branchOut).SaveX(ctx).ID
		w.bag = c.EquipmentType.Create().SetName("Термосумка").SetSku("POLICY-BAG").SetCategory(equipmenttype.CategoryBag).SaveX(ctx).ID
		w.courierIn = w.newCourier(t, ctx, c, &w.partnerIn, &w.branchIn).ID
		w.courierOut = w.newCourier(t, ctx, c, &w.partnerOut, &w.branchOut).ID
		w.movement = c.Movement.Create().SetKind(movement.KindReceipt).SetWarehouseID(w.warehouseIn).SetEquipmentTypeID(w.bag).
			SetQuantity(1).SetOperationID("op-1").SetDocumentNumber("RCV-1").SaveX(ctx).ID
		w.statusChange = c.CourierStatusChange.Create().SetCourierID(w.courierIn).SetToStatus("new").SetReason("test").SaveX(ctx).ID
		return nil
	})
	return w
}

var policySeq int

// courierCreate builds a courier with partner and branch (nil: none),
// unsaved, for the caller to save as whoever it tests.
func (w *policyWorld) courierCreate(c *ent.Client, partner, branch *int) *ent.CourierCreate {
	policySeq++
	birth := time.Date(1991, 4, 1+policySeq%27, 0, 0, 0, 0, time.UTC)
	pin, _ := pinfl.Make(birth, pinfl.Male, 1000+policySeq)
	return c.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").
		SetPhone(fmt.Sprintf("+99897%07d", policySeq)).SetPinfl(pin).SetBirthDate(birth).
		SetTransportType(courier.TransportTypeFoot).SetNillablePartnerID(partner).SetNillableBranchID(branch)
}

func (w *policyWorld) newCourier(t *testing.T, ctx context.Context, c *ent.Client, partner, branch *int) *ent.Courier {
	t.Helper()
	cr, err := w.courierCreate(c, partner, branch).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

// as runs fn in a transaction as v (nil: nobody), rolled back when fn fails.
func (w *policyWorld) as(v *authz.Viewer, fn func(ctx context.Context, c *ent.Client) error) error {
	ctx := context.Background()
	if v != nil {
		ctx = authz.NewContext(ctx, v)
	}
	return database.WithTx(ctx, w.db.Client, func(tx *ent.Tx) error { return fn(ctx, tx.Client()) })
}

func user(r authz.Role, s authz.Scope) *authz.Viewer {
	return &authz.Viewer{Kind: authz.KindUser, ID: 1, Name: "policy-" + string(r), Role: r, Scope: s}
}

var system = &authz.Viewer{Kind: authz.KindSystem, Name: "policy-test", Role: authz.Owner}

// refused checks that err is a privacy denial wrapping sentinel whose text
// says want.
func refused(t *testing.T, what string, err, sentinel error, want string) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s: allowed, want refused with %q", what, want)
	case !errors.Is(err, privacy.Deny) || !errors.Is(err, sentinel):
		t.Errorf("%s: %v, want a privacy denial wrapping %v", what, err, sentinel)
	case !strings.Contains(err.Error(), want):
		t.Errorf("%s: %q, want it to say %q", what, err, want)
	}
}

func allowed(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v, want allowed", what, err)
	}
}

func TestPolicy_NobodySignedInReadsAndWritesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		w := newPolicyWorld(t, d)
		_, err := w.db.Client.Region.Query().Count(context.Background())
		refused(t, "read without a viewer", err, authz.ErrNoViewer, "no viewer")
		err = w.as(nil, func(ctx context.Context, c *ent.Client) error {
			return c.Region.Create().SetName("Бухара").SetCode("BUK").Exec(ctx)
		})
		refused(t, "create without a viewer", err, authz.ErrNoViewer, "no viewer")
		err = w.as(nil, func(ctx context.Context, c *ent.Client) error {
			return c.Region.UpdateOneID(w.regionIn).SetName("x").Exec(ctx)
		})
		refused(t, "update without a viewer", err, authz.ErrNoViewer, "no viewer")
	})
}

// denyHistoryChanges: nothing is deleted but sign-in bookkeeping, and the
// history records take inserts only — whoever asks, the system included.
func TestPolicy_HistoryIsAppendOnlyAndNothingIsDeleted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		w := newPolicyWorld(t, d)
		owner := user(authz.Owner, authz.Scope{})
		for _, v := range []*authz.Viewer{system, owner} {
			who := string(v.Kind)
			err := w.as(v, func(ctx context.Context, c *ent.Client) error { return c.Region.DeleteOneID(w.regionOut).Exec(ctx) })
			refused(t, who+" deletes a region", err, authz.ErrAppendOnly, "Region records are archived, never deleted")
			_, err = func() (int, error) {
				var n int
				err := w.as(v, func(ctx context.Context, c *ent.Client) (err error) {
					n, err = c.Partner.Delete().Exec(ctx)
					return err
				})
				return n, err
			}()
			refused(t, who+" bulk-deletes partners", err, authz.ErrAppendOnly, "Partner records are archived, never deleted")
			err = w.as(v, func(ctx context.Context, c *ent.Client) error {
				return c.Movement.UpdateOneID(w.movement).Exec(ctx) // every field is immutable: the policy must refuse first
			})
			refused(t, who+" updates a movement", err, authz.ErrAppendOnly, "append-only record: Movement")
			err = w.as(v, func(ctx context.Context, c *ent.Client) error {
				return c.CourierStatusChange.UpdateOneID(w.statusChange).Exec(ctx)
			})
			refused(t, who+" updates a status change", err, authz.ErrAppendOnly, "append-only record: CourierStatusChange")
			err = w.as(v, func(ctx context.Context, c *ent.Client) error {
				_, err := c.AuditEvent.Update().Save(ctx)
				return err
			})
			refused(t, who+" rewrites the audit trail", err, authz.ErrAppendOnly, "append-only record: AuditEvent")
			// The same records take inserts, and other records updates.
			allowed(t, who+" appends a movement", w.as(v, func(ctx context.Context, c *ent.Client) error {
				return c.Movement.Create().SetKind(movement.KindReceipt).SetWarehouseID(w.warehouseIn).SetEquipmentTypeID(w.bag).
					SetQuantity(1).SetOperationID("op-" + who).SetDocumentNumber("RCV-" + who).Exec(ctx)
			}))
			allowed(t, who+" updates a region", w.as(v, func(ctx context.Context, c *ent.Client) error {
				return c.Region.UpdateOneID(w.regionOut).SetName("Самарканд " + who).Exec(ctx)
			}))
		}
		// Sign-in bookkeeping is deleted by the sign-in service.
		allowed(t, "the system deletes expired sessions", w.as(system, func(ctx context.Context, c *ent.Client) error {
			_, err := c.Session.Delete().Exec(ctx)
			return err
		}))
		allowed(t, "the system deletes login throttles", w.as(system, func(ctx context.Context, c *ent.Client) error {
			_, err := c.LoginThrottle.Delete().Exec(ctx)
			return err
		}))
	})
}

// checkWrite: the record-level write matrix, then the viewer's scope.
func TestPolicy_WritesFollowTheMatrixAndTheScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		w := newPolicyWorld(t, d)
		manager := user(authz.Manager, authz.Scope{Partners: []int{w.partnerIn}, Regions: []int{w.regionIn}})

		// The matrix: roles that may not change an entity at all.
		for _, c := range []struct {
			v      *authz.Viewer
			entity string
			write  func(ctx context.Context, c *ent.Client) error
		}{
			{manager, "Region", func(ctx context.Context, c *ent.Client) error {
				return c.Region.UpdateOneID(w.regionIn).SetName("x").Exec(ctx)
			}},
			{user(authz.Warehouse, authz.Scope{}), "Courier", func(ctx context.Context, c *ent.Client) error {
				return c.Courier.UpdateOneID(w.courierIn).SetFirstName("x").Exec(ctx)
			}},
			{user(authz.Security, authz.Scope{}), "CourierDocument", func(ctx context.Context, c *ent.Client) error {
				return c.CourierDocument.Create().SetCourierID(w.courierIn).SetKind("passport").Exec(ctx)
			}},
			{user(authz.Onboarding, authz.Scope{}), "Movement", func(ctx context.Context, c *ent.Client) error {
				return c.Movement.Create().SetKind(movement.KindReceipt).SetWarehouseID(w.warehouseIn).SetEquipmentTypeID(w.bag).
					SetQuantity(1).SetOperationID("op-x").SetDocumentNumber("RCV-x").Exec(ctx)
			}},
			{user(authz.Integrator, authz.Scope{}), "StatusReason", func(ctx context.Context, c *ent.Client) error {
				return c.StatusReason.Create().SetKind("block").SetCode("x").SetTitleRu("x").Exec(ctx)
			}},
		} {
			refused(t, fmt.Sprintf("%s changes %s", c.v.Role, c.entity), w.as(c.v, c.write), authz.ErrForbidden,
				fmt.Sprintf("%s may not change %s", c.v.Role, c.entity))
		}

		// Unrestricted viewers write anywhere.
		for _, v := range []*authz.Viewer{user(authz.Owner, authz.Scope{}), user(authz.Onboarding, authz.Scope{})} {
			allowed(t, string(v.Role)+" updates any courier", w.as(v, func(ctx context.Context, c *ent.Client) error {
				return c.Courier.UpdateOneID(w.courierOut).SetFirstName("Бахтиёр").Exec(ctx)
			}))
		}

		// A scoped viewer's updates reach the rows in scope only: the
		// other row is not found, and a bulk update leaves it alone.
		allowed(t, "manager updates their courier", w.as(manager, func(ctx context.Context, c *ent.Client) error {
			return c.Courier.UpdateOneID(w.courierIn).SetFirstName("Жасур").Exec(ctx)
		}))
		err := w.as(manager, func(ctx context.Context, c *ent.Client) error {
			return c.Courier.UpdateOneID(w.courierOut).SetFirstName("Жасур").Exec(ctx)
		})
		if !ent.IsNotFound(err) {
			t.Errorf("manager updates a courier out of scope: %v, want not found", err)
		}
		var n int
		allowed(t, "manager bulk-updates couriers", w.as(manager, func(ctx context.Context, c *ent.Client) (err error) {
			n, err = c.Courier.Update().SetMiddleName("Обновлён").Save(ctx)
			return err
		}))
		if n != 1 {
			t.Errorf("manager's bulk update changed %d couriers, want 1 (theirs)", n)
		}
		out := w.db.Client.Courier.GetX(authtest.Sys(), w.courierOut)
		if out.FirstName == "Жасур" || out.MiddleName == "Обновлён" {
			t.Errorf("the courier out of scope was changed: %+v", out)
		}
	})
}

// checkCreateScope: a restricted viewer's new record points into its scope.
func TestPolicy_ScopedCreatesPointIntoTheScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		w := newPolicyWorld(t, d)
		byPartner := user(authz.Manager, authz.Scope{Partners: []int{w.partnerIn}})
		byRegion := user(authz.Manager, authz.Scope{Regions: []int{w.regionIn}})
		both := user(authz.Manager, authz.Scope{Partners: []int{w.partnerIn}, Regions: []int{w.regionIn}})
		unassigned := user(authz.Manager, authz.Scope{})
		onlyWarehouses := user(authz.Manager, authz.Scope{Warehouses: []int{w.warehouseIn}})
		stock := user(authz.Warehouse, authz.Scope{Warehouses: []int{w.warehouseIn}})
		p := func(id int) *int { return &id }

		// Couriers.
		for _, c := range []struct {
			name            string
			v               *authz.Viewer
			partner, branch *int
			want            string // "" allowed
		}{
			{"a manager assigned nothing", unassigned, p(w.partnerIn), p(w.branchIn), "no couriers in your scope"},
			{"a manager assigned warehouses only", onlyWarehouses, p(w.partnerIn), p(w.branchIn), "no couriers in your scope"},
			{"no partner, partners assigned", byPartner, nil, p(w.branchIn), "must have one of your partners"},
			{"no branch, regions assigned", byRegion, p(w.partnerIn), nil, "must have a branch in your regions"},
			{"another partner", byPartner, p(w.partnerOut), nil, fmt.Sprintf("partner %d is outside your scope", w.partnerOut)},
			{"a branch of another region", byRegion, nil, p(w.branchOut), fmt.Sprintf("branch %d is outside your scope", w.branchOut)},
			{"own partner, another region", both, p(w.partnerIn), p(w.branchOut), fmt.Sprintf("branch %d is outside your scope", w.branchOut)},
			{"own partner", byPartner, p(w.partnerIn), nil, ""},
			{"own partner, any branch (regions not assigned)", byPartner, p(w.partnerIn), p(w.branchOut), ""},
			{"own region, no partner (partners not assigned)", byRegion, nil, p(w.branchIn), ""},
			{"own partner and region", both, p(w.partnerIn), p(w.branchIn), ""},
		} {
			err := w.as(c.v, func(ctx context.Context, cl *ent.Client) error {
				return w.courierCreate(cl, c.partner, c.branch).Exec(ctx)
			})
			if c.want == "" {
				allowed(t, "courier: "+c.name, err)
			} else {
				refused(t, "courier: "+c.name, err, authz.ErrForbidden, c.want)
			}
		}

		// Records that follow a courier or a warehouse.
		courierOut := fmt.Sprintf("courier %d is outside your scope", w.courierOut)
		warehouseOut := fmt.Sprintf("warehouse %d is outside your scope", w.warehouseOut)
		for _, c := range []struct {
			name   string
			v      *authz.Viewer
			create func(ctx context.Context, cl *ent.Client, courierID, warehouseID int) error
		}{
			{"CourierDocument", both, func(ctx context.Context, cl *ent.Client, cid, _ int) error {
				return cl.CourierDocument.Create().SetCourierID(cid).SetKind("passport").Exec(ctx)
			}},
			{"CourierStatusChange", both, func(ctx context.Context, cl *ent.Client, cid, _ int) error {
				return cl.CourierStatusChange.Create().SetCourierID(cid).SetToStatus("new").SetReason("test").Exec(ctx)
			}},
			{"CourierHolding", both, func(ctx context.Context, cl *ent.Client, cid, _ int) error {
				return cl.CourierHolding.Create().SetCourierID(cid).SetEquipmentTypeID(w.bag).SetQuantity(1).Exec(ctx)
			}},
			{"CourierDebt", both, func(ctx context.Context, cl *ent.Client, cid, _ int) error {
				policySeq++
				return cl.CourierDebt.Create().SetCourierID(cid).SetEquipmentTypeID(w.bag).SetQuantity(1).SetAmount(1000).
					SetReason("lost").SetDocumentNumber(fmt.Sprint("WO-", policySeq)).Exec(ctx)
			}},
			{"Item", stock, func(ctx context.Context, cl *ent.Client, _, wid int) error {
				policySeq++
				return cl.Item.Create().SetSerial(fmt.Sprint("SN-", policySeq)).SetEquipmentTypeID(w.bag).SetWarehouseID(wid).Exec(ctx)
			}},
			{"StockBalance", stock, func(ctx context.Context, cl *ent.Client, _, wid int) error {
				return cl.StockBalance.Create().SetWarehouseID(wid).SetEquipmentTypeID(w.bag).Exec(ctx)
			}},
			{"Movement", stock, func(ctx context.Context, cl *ent.Client, _, wid int) error {
				policySeq++
				return cl.Movement.Create().SetKind(movement.KindReceipt).SetWarehouseID(wid).SetEquipmentTypeID(w.bag).
					SetQuantity(1).SetOperationID(fmt.Sprint("op-", policySeq)).SetDocumentNumber(fmt.Sprint("RCV-", policySeq)).Exec(ctx)
			}},
			{"Transfer", stock, func(ctx context.Context, cl *ent.Client, _, wid int) error {
				policySeq++
				to := w.warehouseOut // the receiving side may be anyone's
				if wid == w.warehouseOut {
					to = w.warehouseIn
				}
				return cl.Transfer.Create().SetDocumentNumber(fmt.Sprint("TRF-", policySeq)).SetFromWarehouseID(wid).SetToWarehouseID(to).
					SetDispatchOperationID(fmt.Sprint("tr-", policySeq)).Exec(ctx)
			}},
		} {
			byCourier := !strings.HasPrefix(c.name, "Item") && !strings.HasPrefix(c.name, "Stock") && c.name != "Movement" && c.name != "Transfer"
			allowed(t, c.name+" in scope", w.as(c.v, func(ctx context.Context, cl *ent.Client) error {
				return c.create(ctx, cl, w.courierIn, w.warehouseIn)
			}))
			err := w.as(c.v, func(ctx context.Context, cl *ent.Client) error {
				return c.create(ctx, cl, w.courierOut, w.warehouseOut)
			})
			if byCourier {
				refused(t, c.name+" of a courier out of scope", err, authz.ErrForbidden, courierOut)
			} else {
				refused(t, c.name+" at a warehouse out of scope", err, authz.ErrForbidden, warehouseOut)
			}
		}
	})
}

// filterReads and the policy's entity names: every entity of the matrix is
// refused, by name, to each role the matrix does not let read it, and read
// by each role it does.
func TestPolicy_ReadsFollowTheMatrixForEveryEntity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		w := newPolicyWorld(t, d)
		c := w.db.Client
		count := map[string]func(context.Context) (int, error){
			"Region": c.Region.Query().Count, "Branch": c.Branch.Query().Count, "Warehouse": c.Warehouse.Query().Count,
			"Partner": c.Partner.Query().Count, "EquipmentType": c.EquipmentType.Query().Count, "Courier": c.Courier.Query().Count,
			"CourierDocument": c.CourierDocument.Query().Count, "CourierStatusChange": c.CourierStatusChange.Query().Count,
			"Item": c.Item.Query().Count, "StockBalance": c.StockBalance.Query().Count, "StatusReason": c.StatusReason.Query().Count,
			"Movement": c.Movement.Query().Count, "Kit": c.Kit.Query().Count, "KitItem": c.KitItem.Query().Count,
			"Transfer": c.Transfer.Query().Count, "TransferLine": c.TransferLine.Query().Count,
			"CourierHolding": c.CourierHolding.Query().Count, "CourierDebt": c.CourierDebt.Query().Count,
			"User": c.User.Query().Count, "ApiToken": c.ApiToken.Query().Count, "AuditEvent": c.AuditEvent.Query().Count,
			"Session": c.Session.Query().Count, "LoginThrottle": c.LoginThrottle.Query().Count, "IdempotencyKey": c.IdempotencyKey.Query().Count,
			"CourierDayStat": c.CourierDayStat.Query().Count, "CourierReasonStat": c.CourierReasonStat.Query().Count,
			"CourierActivationStat": c.CourierActivationStat.Query().Count, "CourierCount": c.CourierCount.Query().Count,
			"StockDayStat": c.StockDayStat.Query().Count, "CourierLossStat": c.CourierLossStat.Query().Count, "StockTotal": c.StockTotal.Query().Count, "WebhookEndpoint": c.WebhookEndpoint.Query().Count,
			"WebhookDelivery": c.WebhookDelivery.Query().Count, "WebhookEvent": c.WebhookEvent.Query().Count,
			"WebhookAttempt": c.WebhookAttempt.Query().Count,
		}
		for entity := range authz.Entities {
			q, ok := count[entity]
			if !ok {
				t.Errorf("%s is in the matrix but not in this test: add its query", entity)
				continue
			}
			if _, err := q(authtest.Sys()); err != nil {
				t.Errorf("the system reads %s: %v", entity, err)
			}
			for _, r := range authz.Roles {
				_, err := q(authz.NewContext(context.Background(), user(r, authz.Scope{})))
				if authz.CanRead(entity, r) {
					allowed(t, fmt.Sprintf("%s reads %s", r, entity), err)
				} else {
					refused(t, fmt.Sprintf("%s reads %s", r, entity), err, authz.ErrForbidden, fmt.Sprintf("%s may not read %s", r, entity))
				}
			}
		}
	})
}

// A scoped read narrows to the scope; an unassigned manager reads nothing.
func TestPolicy_ScopedReadsSeeTheirRowsOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		w := newPolicyWorld(t, d)
		for _, c := range []struct {
			name string
			v    *authz.Viewer
			want []int
		}{
			{"manager of the first partner and region", user(authz.Manager, authz.Scope{Partners: []int{w.partnerIn}, Regions: []int{w.regionIn}}), []int{w.courierIn}},
			{"manager assigned nothing", user(authz.Manager, authz.Scope{}), nil},
			{"owner", user(authz.Owner, authz.Scope{}), []int{w.courierIn, w.courierOut}},
		} {
			got, err := w.db.Client.Courier.Query().Order(ent.Asc(courier.FieldID)).IDs(authz.NewContext(context.Background(), c.v))
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s reads couriers %v, want %v", c.name, got, c.want)
			}
		}
	})
}

// RequireVisible passes the lookup's own failure through unchanged.
func TestRequireVisible_PassesTheLookupErrorThrough(t *testing.T) {
	boom := errors.New("connection lost")
	err := authz.RequireVisible(context.Background(), func(context.Context) (bool, error) { return false, boom }, "courier", 7)
	if !errors.Is(err, boom) || errors.Is(err, privacy.Deny) {
		t.Errorf("RequireVisible = %v, want the lookup's error, not a denial", err)
	}
	err = authz.RequireVisible(context.Background(), func(context.Context) (bool, error) { return false, nil }, "courier", 7)
	refused(t, "an invisible courier", err, authz.ErrForbidden, "courier 7 is outside your scope")
	if err := authz.RequireVisible(context.Background(), func(context.Context) (bool, error) { return true, nil }, "courier", 7); err != nil {
		t.Errorf("a visible courier: %v", err)
	}
}
