package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// userToken creates a user of role with scope and signs it in.
func (a *api) userToken(role authz.Role, scope authz.Scope) string {
	a.t.Helper()
	u := authtest.User(a.t, a.auth, role, scope)
	tok, err := a.auth.Login(context.Background(), u.Login, authtest.Password)
	if err != nil {
		a.t.Fatal(err)
	}
	return tok.AccessToken
}

// okAs posts as bearer and fails the test on any error.
func (a *api) okAs(bearer, query string, vars map[string]any, out any) {
	a.t.Helper()
	r := a.postAs(bearer, query, vars)
	if len(r.Errors) > 0 {
		a.t.Fatalf("unexpected errors: %s", r.Body)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		a.t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

func TestRowLevel_ManagerOfPartnerASeesAndChangesNothingOfPartnerB(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		ref := createRefData(a)
		seeded := insertCouriers(t, a.db, ref)
		var ofA, ofB []seededCourier
		for _, c := range seeded {
			if c.partner == ref.partnerA {
				ofA = append(ofA, c)
			} else {
				ofB = append(ofB, c)
			}
		}
		if len(ofA) == 0 || len(ofB) == 0 {
			t.Fatal("fixture needs couriers of both partners")
		}
		partnerA := atoi(t, ref.partnerA)
		manager := a.userToken(authz.Manager, authz.Scope{Partners: []int{partnerA}})
		courierB, courierA := fmt.Sprint(ofB[0].id), fmt.Sprint(ofA[0].id)

		// The owner sees both partners' couriers: the refusals below are
		// about scope, not an empty fixture.
		for who, tc := range map[string]struct {
			token string
			want  int
		}{"owner": {a.owner, len(seeded)}, "manager": {manager, len(ofA)}} {
			var list struct {
				Couriers struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
			a.okAs(tc.token, `{ couriers(first: 100) { totalCount edges { node { id } } } }`, nil, &list)
			if list.Couriers.TotalCount != tc.want || len(list.Couriers.Edges) != tc.want {
				t.Errorf("%s: list %d, totalCount %d; want %d", who, len(list.Couriers.Edges), list.Couriers.TotalCount, tc.want)
			}
		}

		t.Run("list and count", func(t *testing.T) {
			var list struct {
				Couriers struct {
					TotalCount int
					Edges      []struct {
						Node struct{ Partner struct{ ID string } }
					}
				}
			}
			a.okAs(manager, `{ couriers(first: 100) { totalCount edges { node { partner { id } } } } }`, nil, &list)
			for _, e := range list.Couriers.Edges {
				if e.Node.Partner.ID != ref.partnerA {
					t.Errorf("listed a courier of partner %s", e.Node.Partner.ID)
				}
			}
			var filtered struct{ Couriers struct{ TotalCount int } }
			a.okAs(manager, `query($p: ID!) { couriers(where: {partnerID: $p}) { totalCount } }`, map[string]any{"p": ref.partnerB}, &filtered)
			if filtered.Couriers.TotalCount != 0 {
				t.Errorf("filtering by partner B counts %d couriers, want 0", filtered.Couriers.TotalCount)
			}
		})

		t.Run("node and nodes", func(t *testing.T) {
			// Out of scope reads as absent: NOT_FOUND, and no data.
			notVisible(t, "node(partner B courier)", a.postAs(manager, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": courierB}), `{"node":null}`)
			notVisible(t, "node(partner B)", a.postAs(manager, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ref.partnerB}), `{"node":null}`)
			r := a.postAs(manager, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{courierA, courierB}})
			notVisible(t, "nodes(partner A courier, partner B courier)", r, fmt.Sprintf(`{"nodes":[{"id":%q},null]}`, courierA))
		})

		t.Run("through edges", func(t *testing.T) {
			var viaBranch struct {
				Branches struct {
					Edges []struct {
						Node struct {
							ID       string
							Couriers struct {
								TotalCount int
								Edges      []struct {
									Node struct{ Partner struct{ ID string } }
								}
							}
						}
					}
				}
			}
			a.okAs(manager, `{ branches { edges { node { id couriers { totalCount edges { node { partner { id } } } } } } } }`, nil, &viaBranch)
			total := 0
			for _, b := range viaBranch.Branches.Edges {
				total += b.Node.Couriers.TotalCount
				for _, c := range b.Node.Couriers.Edges {
					if c.Node.Partner.ID != ref.partnerA {
						t.Errorf("branch %s lists a courier of partner %s", b.Node.ID, c.Node.Partner.ID)
					}
				}
			}
			if total != len(ofA) {
				t.Errorf("couriers through branches: %d, want %d", total, len(ofA))
			}
			var viaPartner struct {
				Partners struct {
					Edges []struct {
						Node struct {
							ID       string
							Couriers struct{ TotalCount int }
						}
					}
				}
			}
			a.okAs(manager, `{ partners { edges { node { id couriers { totalCount } } } } }`, nil, &viaPartner)
			for _, p := range viaPartner.Partners.Edges {
				if p.Node.ID != ref.partnerA {
					t.Errorf("partners lists partner %s", p.Node.ID)
				}
			}
		})

		t.Run("mutations", func(t *testing.T) {
			oneError(t, a.postAs(manager, `mutation($id: ID!) { updatePartner(id: $id, input: {name: "X"}) { id } }`,
				map[string]any{"id": ref.partnerB}), "FORBIDDEN")

			// No courier mutation exists yet: the privacy policy is the gate,
			// asked through the ent client with the manager's viewer.
			v, err := a.auth.Authenticate(context.Background(), manager)
			if err != nil {
				t.Fatal(err)
			}
			ctx := authz.NewContext(context.Background(), v)
			write := func(fn func(tx *ent.Client) error) error {
				return database.WithTx(ctx, a.db.Client, func(tx *ent.Tx) error { return fn(tx.Client()) })
			}
			if err := write(func(tx *ent.Client) error {
				return tx.Courier.UpdateOneID(ofA[0].id).SetMiddleName("Scoped").Exec(ctx)
			}); err != nil {
				t.Fatalf("updating a courier of partner A: %v (the refusals below would prove nothing)", err)
			}
			err = write(func(tx *ent.Client) error {
				return tx.Courier.UpdateOneID(ofB[0].id).SetMiddleName("Leaked").Exec(ctx)
			})
			if !ent.IsNotFound(err) && !errors.Is(err, authz.ErrForbidden) {
				t.Errorf("updating a courier of partner B: %v, want not found or forbidden", err)
			}
			err = write(func(tx *ent.Client) error {
				n, err := tx.Courier.Update().Where(courier.IDIn(ofA[1].id, ofB[0].id)).SetMiddleName("Bulk").Save(ctx)
				if err == nil && n != 1 {
					return fmt.Errorf("bulk update changed %d couriers, want only the partner A one", n)
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
			birth := time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC)
			err = write(func(tx *ent.Client) error {
				return tx.Courier.Create().SetLastName("Чужой").SetFirstName("Курьер").SetPhone("+998907777777").
					SetPinfl(pinfl(birth, true, 999)).SetBirthDate(birth).
					SetTransportType(courier.TransportTypeFoot).
					SetPartnerID(atoi(t, ref.partnerB)).SetBranchID(atoi(t, ref.branchB)).Exec(ctx)
			})
			if !errors.Is(err, authz.ErrForbidden) {
				t.Errorf("creating a courier of partner B: %v, want ErrForbidden", err)
			}
			b, err := a.db.Client.Courier.Get(authtest.Sys(), ofB[0].id)
			if err != nil || b.MiddleName == "Leaked" || b.MiddleName == "Bulk" {
				t.Errorf("partner B courier changed: %+v, %v", b, err)
			}
		})
	})
}

func TestRowLevel_WarehouseUserSeesOnlyItsWarehouseStock(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		ref := createRefData(a)
		w1 := atoi(t, ref.warehouse)
		var w2, bal2, mov2 int
		authtest.Tx(t, a.db, func(ctx context.Context, tx *ent.Client) error {
			w2 = tx.Warehouse.Create().SetName("Склад Самарканд").SetCode("WH-SAM").SetBranchID(atoi(t, ref.branchB)).SaveX(ctx).ID
			eq := atoi(t, ref.equipment)
			for i, w := range []int{w1, w2} {
				b := tx.StockBalance.Create().SetWarehouseID(w).SetEquipmentTypeID(eq).SetQuantity(10 + i).SaveX(ctx)
				m := tx.Movement.Create().SetKind(movement.KindReceipt).SetWarehouseID(w).SetEquipmentTypeID(eq).
					SetQuantity(10 + i).SetOperationID(fmt.Sprintf("op-%d", i)).SetDocumentNumber(fmt.Sprintf("R-%d", i)).SaveX(ctx)
				bal2, mov2 = b.ID, m.ID
			}
			return nil
		})
		clerk := a.userToken(authz.Warehouse, authz.Scope{Warehouses: []int{w1}})
		const stock = `{
			stockBalances { totalCount edges { node { warehouseID } } }
			movements { totalCount edges { node { warehouseID } } }
			warehouses { totalCount edges { node { id } } }
		}`
		type idList struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID          string
					WarehouseID string
				}
			}
		}
		var got struct{ StockBalances, Movements, Warehouses idList }
		a.okAs(a.owner, stock, nil, &got)
		if got.StockBalances.TotalCount != 2 || got.Movements.TotalCount != 2 || got.Warehouses.TotalCount != 2 {
			t.Fatalf("owner sees %+v; want both warehouses' stock (else the test proves nothing)", got)
		}
		got = struct{ StockBalances, Movements, Warehouses idList }{}
		a.okAs(clerk, stock, nil, &got)
		for name, l := range map[string]idList{"stockBalances": got.StockBalances, "movements": got.Movements, "warehouses": got.Warehouses} {
			if l.TotalCount != 1 || len(l.Edges) != 1 {
				t.Errorf("%s: totalCount %d, %d edges; want 1", name, l.TotalCount, len(l.Edges))
			}
			for _, e := range l.Edges {
				if id := e.Node.WarehouseID + e.Node.ID; id != ref.warehouse {
					t.Errorf("%s: warehouse %s, want %s", name, id, ref.warehouse)
				}
			}
		}
		for _, id := range []int{bal2, mov2, w2} {
			r := a.postAs(clerk, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": fmt.Sprint(id)})
			notVisible(t, fmt.Sprintf("node(%d) of warehouse 2", id), r, `{"node":null}`)
		}
		r := a.postAs(clerk, `query($id: ID!) { node(id: $id) { ... on Warehouse { balances { totalCount } movements { totalCount } } } }`,
			map[string]any{"id": fmt.Sprint(w2)})
		notVisible(t, "warehouse 2 through node", r, `{"node":null}`)
	})
}

// notVisible checks the answer to a read of rows outside the viewer's
// scope: exactly one error, NOT_FOUND (out of scope reads as absent, as an
// unknown id does: FORBIDDEN would confirm the row exists), and data that
// is exactly data (what may be seen, null for the rest). Any other error
// (a broken query, INTERNAL, a refusal of the whole field) fails it.
func notVisible(t *testing.T, what string, r response, data string) {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "NOT_FOUND" {
		t.Errorf("%s: %s; want exactly one NOT_FOUND", what, r.Body)
	}
	if got := string(bytes.TrimSpace(r.Data)); got != data {
		t.Errorf("%s: data %s, want %s", what, got, data)
	}
}
