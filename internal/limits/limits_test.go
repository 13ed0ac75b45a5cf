package limits_test

import (
	"errors"
	"math"
	"testing"

	"github.com/mycourier/mycourier/internal/limits"
)

func TestTotalIsExactAndRefusesWhatDoesNotFit(t *testing.T) {
	var tot limits.Total
	for range 92 {
		tot.Add(limits.MaxBalance, limits.MaxUnitCost)
	}
	if got, err := tot.Int64(); err != nil || got != 92*limits.MaxBalance*limits.MaxUnitCost {
		t.Fatalf("92 full balances: %d, %v", got, err)
	}
	tot.Add(limits.MaxBalance, limits.MaxUnitCost) // 9.3·10^18 > MaxInt64
	if _, err := tot.Int64(); !errors.Is(err, limits.ErrTotalOutOfRange) {
		t.Fatalf("93 full balances: %v, want ErrTotalOutOfRange", err)
	}
	if _, err := limits.Mul(1<<62, 250000); !errors.Is(err, limits.ErrTotalOutOfRange) {
		t.Errorf("2^62 × 250000: %v, want ErrTotalOutOfRange", err)
	}
	if got, err := limits.Mul(math.MaxInt64, 1); err != nil || got != math.MaxInt64 {
		t.Errorf("MaxInt64 × 1: %d, %v", got, err)
	}
}

func TestBoundsAcceptTheMaximumAndRefuseOneMore(t *testing.T) {
	if limits.Quantity(limits.MaxQuantity) != nil || limits.Quantity(limits.MaxQuantity+1) == nil {
		t.Error("Quantity bound")
	}
	if limits.Balance(limits.MaxBalance) != nil || limits.Balance(limits.MaxBalance+1) == nil {
		t.Error("Balance bound")
	}
	if limits.UnitCost(limits.MaxUnitCost) != nil || limits.UnitCost(limits.MaxUnitCost+1) == nil {
		t.Error("UnitCost bound")
	}
	if err := limits.ValidateUnitCost(limits.MaxUnitCost + 1); err == nil || limits.ValidateUnitCost(0) != nil {
		t.Errorf("ValidateUnitCost: %v", err)
	}
}
