package securitytest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Defect 1: a viewer who sees PINFL and phone masked must not filter or
// order by them on any path, or they can be recovered digit by digit.
func TestMaskedFieldsCannotBeProbedOnAnyPath(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		g := e.geo()
		_, pin := e.onboardIn(owner, fmt.Sprint(g.partner), fmt.Sprint(g.branch))
		prefix := pin[:6]

		probes := map[string]string{
			"root":            `{ couriers(where: {pinflHasPrefix: "%s"}) { totalCount } }`,
			"root phone":      `{ couriers(where: {phoneHasPrefix: "+99890", lastNameNEQ: "%s"}) { totalCount } }`,
			"root and or":     `{ couriers(where: {and: [{or: [{pinflGTE: "%s"}]}]}) { totalCount } }`,
			"branch":          `{ branches { edges { node { couriers(where: {pinflHasPrefix: "%s"}) { totalCount } } } } }`,
			"partner":         `{ partners { edges { node { couriers(where: {pinflHasPrefix: "%s"}) { totalCount } } } } }`,
			"region":          `{ regions { edges { node { branches { edges { node { couriers(where: {pinflHasPrefix: "%s"}) { totalCount } } } } } } } }`,
			"warehouse":       `{ warehouses { edges { node { branch { couriers(where: {pinflHasPrefix: "%s"}) { totalCount } } } } } }`,
			"through edge":    `{ partners(where: {hasCouriersWith: {pinflHasPrefix: "%s"}}) { totalCount } }`,
			"fragment":        `query { ...F } fragment F on Query { branches { edges { node { couriers(where: {pinflHasPrefix: "%s"}) { totalCount } } } } }`,
			"inline fragment": `{ ... on Query { partners { edges { node { ... on Partner { couriers(where: {pinflHasPrefix: "%s"}) { totalCount } } } } } } }`,
			"node":            `{ nodes(ids: ["%d"]) { ... on Branch { couriers(where: {pinflHasPrefix: "%%s"}) { totalCount } } } }`,
		}
		probes["node"] = fmt.Sprintf(probes["node"], g.branch)
		for _, role := range []authz.Role{authz.Warehouse, authz.Integrator} {
			tok := e.token(role, authz.Scope{})
			for name, q := range probes {
				r := e.gql(tok, fmt.Sprintf(q, prefix))
				if r.code() != "FORBIDDEN" || r.Errors[0].Extensions["key"] != "pii.filter" {
					t.Errorf("%s via %s: want FORBIDDEN pii.filter, got %s", role, name, r.Raw)
				}
			}
			// Variables are checked as literals are.
			r := e.gql(tok, `query($w: CourierWhereInput) { branches { edges { node { couriers(where: $w) { totalCount } } } } }`,
				map[string]any{"w": map[string]any{"pinflHasPrefix": prefix}})
			if r.code() != "FORBIDDEN" {
				t.Errorf("%s via variables: %s", role, r.Raw)
			}
			// Search by digits finds nothing for a masked viewer.
			r = e.mustGQL(tok, fmt.Sprintf(`{ courierSearch(search: %q) { totalCount } }`, prefix))
			if !strings.Contains(string(r.Data["courierSearch"]), `"totalCount":0`) {
				t.Errorf("%s search by PINFL prefix: %s", role, r.Data["courierSearch"])
			}
			// The export's where goes through the same decision.
			res, body := e.get("/export/couriers?where="+url.QueryEscape(`{"pinflHasPrefix":"`+prefix+`"}`), tok)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "pii.filter") {
				t.Errorf("%s export: %d %s", role, res.StatusCode, body)
			}
			res, body = e.get("/export/couriers?where="+url.QueryEscape(`{"hasPartnerWith":[{"hasCouriersWith":[{"phoneHasPrefix":"+99890"}]}]}`), tok)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s nested export: %d %s", role, res.StatusCode, body)
			}
			// Other filters stay allowed.
			e.mustGQL(tok, `{ branches { edges { node { couriers(where: {lastNameContainsFold: "кар"}) { totalCount } } } } }`)
		}

		// The owner sees PINFLs and may filter by them: the probes match.
		for name, q := range probes {
			r := e.mustGQL(owner, fmt.Sprintf(q, prefix))
			if !strings.Contains(string(r.Raw), `"totalCount":1`) {
				t.Errorf("owner via %s: %s", name, r.Raw)
			}
		}
		res, body := e.get("/export/couriers?where="+url.QueryEscape(`{"pinflHasPrefix":"`+prefix+`"}`), owner)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), pin) {
			t.Errorf("owner export: %d %s", res.StatusCode, body)
		}
	})
}
