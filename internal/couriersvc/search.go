package couriersvc

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc/searchkey"
	"github.com/mycourier/mycourier/internal/phone"
	"github.com/mycourier/mycourier/internal/pii"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// MaxSearchLen bounds a search string.
const MaxSearchLen = 100

// Search returns the predicate of a courier search:
//   - words (Cyrillic or Latin, any case): every word is a substring of the
//     courier's folded name (search_key; a trigram index on PostgreSQL);
//   - a phone in any spelling: the exact stored number;
//   - digits: a PINFL prefix, or a fragment of the phone's digits.
//
// PINFL and phone searches are offered only to viewers who see personal
// data in full: a masked viewer must not find a courier by what is hidden.
func Search(ctx context.Context, q string) (predicate.Courier, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxSearchLen {
		return nil, apperr.InvalidField("search", "validation.tooLong", "is too long")
	}
	if q == "" {
		return func(*sql.Selector) {}, nil
	}
	pii := pii.Visible(ctx)
	compact := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "").Replace(q)
	digits := strings.TrimPrefix(compact, "+")
	if pii && digits != "" && searchkey.Digits(digits) == digits {
		var or []predicate.Courier
		full, err := phone.Normalize(q)
		if err == nil {
			or = append(or, courier.Phone(full))
		}
		if len(digits) <= 14 {
			or = append(or, pinflPrefix(digits))
		}
		if err != nil && len(digits) >= 3 && len(digits) <= 12 {
			// Phone fragments: the key ends with the phone's 12 digits. A
			// whole number needs no fragment search (and SQLite none of its scan).
			or = append(or, keyContains(digits))
		}
		return courier.Or(or...), nil
	}
	words := strings.Fields(searchkey.Fold(q))
	if len(words) == 0 {
		return courier.IDLT(0), nil
	}
	var and []predicate.Courier
	for _, w := range words {
		if !pii && searchkey.Digits(w) == w {
			continue // digits would match the phone part of the key
		}
		and = append(and, keyContains(w))
	}
	if len(and) == 0 {
		return courier.IDLT(0), nil
	}
	return courier.And(and...), nil
}

// pinflPrefix matches PINFLs starting with digits as a range, so the unique
// btree index serves it whatever the column's collation.
func pinflPrefix(digits string) predicate.Courier {
	if len(digits) == 14 {
		return courier.Pinfl(digits)
	}
	// The next prefix: "3010" → "3011", "3019" → "302"; all nines: open.
	b := []byte(digits)
	i := len(b) - 1
	for i >= 0 && b[i] == '9' {
		i--
	}
	if i < 0 {
		return courier.PinflGTE(digits)
	}
	b[i]++
	return courier.And(courier.PinflGTE(digits), courier.PinflLT(string(b[:i+1])))
}

// keyContains matches search keys containing w. A word made of letters and
// digits only (what Fold produces) is written into the SQL as a literal:
// PostgreSQL then plans each search for its own pattern, where a prepared
// statement's generic plan would guess the pattern's selectivity and walk
// the primary key past a million rows for a rare name. Anything else (never
// produced by Fold) stays a bound parameter.
func keyContains(w string) predicate.Courier {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return courier.SearchKeyContains(w)
		}
	}
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.Ident(s.C(courier.FieldSearchKey)).WriteString(" LIKE '%" + w + "%'")
		}))
	}
}

// BackfillSearchKeys computes the search key of couriers that have none
// (rows written before the key existed, or by hand), in batches, as the
// system. It returns how many it filled; serve runs it at start.
func (s *Service) BackfillSearchKeys(ctx context.Context) (int, error) {
	sys := authz.SystemContext(ctx, "searchkey-backfill")
	n := 0
	for {
		batch, err := s.client.Courier.Query().
			Where(courier.SearchKey("")).Order(ent.Asc(courier.FieldID)).Limit(1000).All(sys)
		if err != nil || len(batch) == 0 {
			return n, err
		}
		err = database.WithTx(sys, s.client, func(tx *ent.Tx) error {
			for _, c := range batch {
				key := searchkey.Key(c.LastName, c.FirstName, c.MiddleName, c.Phone)
				if key == "" {
					key = " " // nothing to fold; do not revisit
				}
				if err := tx.Courier.UpdateOneID(c.ID).SetSearchKey(key).Exec(sys); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("backfill search keys: %w", err)
		}
		n += len(batch)
	}
}
