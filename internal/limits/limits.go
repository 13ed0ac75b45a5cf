// Package limits holds the largest quantities and amounts of money the API
// accepts, and the arithmetic that totals them without wrapping. The bounds
// are chosen so that any one value (a balance times its unit cost) fits in
// an int64 ninety times over; totals over many rows are summed exactly
// and refused, not wrapped, should they ever leave the int64 range.
//
// docs/limits.md lists them for users and integrators; the GraphQL field
// descriptions repeat them.
package limits

import (
	"fmt"
	"math"
	"math/big"

	"github.com/mycourier/mycourier/internal/apperr"
)

const (
	// MaxQuantity is the most units one line, and one operation in all its
	// lines, may move (receive, issue, return, write off, transfer, a kit
	// line).
	MaxQuantity = 1_000_000
	// MaxBalance is the most units one balance may hold: a warehouse's
	// stock of a type, a courier's holding of a type, a counted quantity
	// and a minimum level.
	MaxBalance = 1_000_000_000
	// MaxUnitCost is the largest unit cost and deposit of an equipment type
	// or a received unit, in UZS.
	MaxUnitCost = 100_000_000
)

// Keys of the field errors for values out of range.
const (
	KeyQuantityTooLarge = "limits.quantityTooLarge"
	KeyBalanceTooLarge  = "limits.balanceTooLarge"
	KeyAmountTooLarge   = "limits.amountTooLarge"
)

// Quantity is the field error for n units moved by one line or operation
// above MaxQuantity, else nil.
func Quantity(n int) *apperr.FieldError {
	if n > MaxQuantity {
		return &apperr.FieldError{Key: KeyQuantityTooLarge, Message: fmt.Sprintf("at most %d units per operation", MaxQuantity)}
	}
	return nil
}

// Balance is the field error for a balance of n units above MaxBalance,
// else nil.
func Balance(n int) *apperr.FieldError {
	if n > MaxBalance {
		return &apperr.FieldError{Key: KeyBalanceTooLarge, Message: fmt.Sprintf("a balance holds at most %d units", MaxBalance)}
	}
	return nil
}

// UnitCost is the field error for an amount above MaxUnitCost, else nil.
func UnitCost(v int64) *apperr.FieldError {
	if v > MaxUnitCost {
		return &apperr.FieldError{Key: KeyAmountTooLarge, Message: fmt.Sprintf("at most %d UZS per unit", MaxUnitCost)}
	}
	return nil
}

// ValidateUnitCost is UnitCost as an ent field validator: the API presents
// its error under the field's own name.
func ValidateUnitCost(v int64) error {
	if fe := UnitCost(v); fe != nil {
		return *fe
	}
	return nil
}

// ErrTotalOutOfRange: a total left the range the API reports (int64). The
// bounds above make it take tens of thousands of operations at the maximum.
var ErrTotalOutOfRange = apperr.New(apperr.CodeInternal, "limits.totalOutOfRange",
	"a total is too large to report exactly").WithRu("Итог слишком велик для точного вывода")

// Total sums quantity × amount terms exactly. The zero value is 0.
type Total struct{ v big.Int }

// Add adds n × amount.
func (t *Total) Add(n, amount int64) {
	var x big.Int
	x.SetInt64(n).Mul(&x, big.NewInt(amount))
	t.v.Add(&t.v, &x)
}

// Int64 is the total, or ErrTotalOutOfRange when it does not fit.
func (t *Total) Int64() (int64, error) {
	if !t.v.IsInt64() {
		return 0, ErrTotalOutOfRange
	}
	return t.v.Int64(), nil
}

// Mul is a × b, or ErrTotalOutOfRange when the product does not fit.
func Mul(a, b int64) (int64, error) {
	var t Total
	t.Add(a, b)
	return t.Int64()
}

// This does not compile unless a full balance at the largest unit cost
// fits in an int64 ninety times over.
const _ uint64 = math.MaxInt64 - MaxBalance*MaxUnitCost*90
