package securitytest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/idempotency"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// validPIN is a fresh valid PINFL.
func validPIN(t *testing.T) string {
	t.Helper()
	n := pinSeq.Add(1)
	pin, err := pinfl.Make(time.Date(1992, 3, 1+int(n%27), 0, 0, 0, 0, time.UTC), pinfl.Female, int(5000+n))
	if err != nil {
		t.Fatal(err)
	}
	return pin
}

// Weakness "text limits count characters": ent's MaxLen counted bytes, so
// a Russian comment of 1000 characters (2000 bytes in UTF-8) was refused
// as too long. Every text limit now counts characters; one more character
// than the limit is still refused, naming the field.
func TestTextLimitsCountCharactersNotBytes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		g := e.geo()
		bag := e.bagType(1000)
		owner := e.token(authz.Owner, authz.Scope{})
		ru := func(n int) string { return strings.Repeat("ж", n) }

		receive := func(comment, key string) gqlResp {
			return e.gql(owner, receiveStock, map[string]any{"in": map[string]any{
				"warehouseID": fmt.Sprint(g.warehouse), "comment": comment, "idempotencyKey": key,
				"lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(bag), "quantity": 1}}}})
		}
		if r := receive(ru(1000), ""); len(r.Errors) > 0 {
			t.Errorf("a comment of 1000 Cyrillic characters: %s", r.Raw)
		}
		wantField(t, "a comment of 1001 characters", receive(ru(1001), ""), "comment", "validation.tooLong")

		// Partner names: 100, 200 and 150 characters.
		partner := func(name, legal, contact string) gqlResp {
			return e.gql(owner, `mutation($in: CreatePartnerInput!) { createPartner(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"name": name, "legalName": legal, "contactName": contact}})
		}
		if r := partner(ru(100), ru(200), ru(150)); len(r.Errors) > 0 {
			t.Errorf("a partner with Cyrillic names at the limits: %s", r.Raw)
		}
		wantField(t, "a partner name of 101 characters", partner(ru(101), "", ""), "name", "validation.tooLong")
		wantField(t, "a legal name of 201 characters", partner("Партнёр-2", ru(201), ""), "legalName", "validation.tooLong")

		// A courier's name: the service allows 100 letters, so must the column.
		long := strings.Repeat("а", 99) + "б"
		r := e.gql(owner, fmt.Sprintf(`mutation { onboardCourier(input: {lastName: %q, firstName: "Азиз", phone: "+998901112233", pinfl: %q, transportType: FOOT}) { id lastName } }`,
			long, validPIN(t)))
		if len(r.Errors) > 0 {
			t.Errorf("a last name of 100 Cyrillic letters: %s", r.Raw)
		}

		// Idempotency keys: 100 characters of any script; one more has its own message.
		if r := receive("", ru(idempotency.MaxKeyLen)); len(r.Errors) > 0 {
			t.Errorf("an idempotency key of 100 Cyrillic characters: %s", r.Raw)
		}
		r = receive("", strings.Repeat("k", idempotency.MaxKeyLen+1))
		wantField(t, "an idempotency key of 101 characters", r, "idempotencyKey", "idempotency.keyTooLong")
		if len(r.Errors) > 0 {
			msgs, _ := r.Errors[0].Extensions["fields"].(map[string]any)
			if m, _ := msgs["idempotencyKey"].(string); !strings.Contains(m, "idempotency key") {
				t.Errorf("a too-long idempotency key: message %q does not say what is too long", m)
			}
		}
	})
}
