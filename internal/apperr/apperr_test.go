package apperr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mycourier/mycourier/internal/apperr"
)

func TestCodeOfWrappedErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"nil", nil, ""},
		{"sentinel", fmt.Errorf("fire: courier[1]: %w", apperr.ErrInvalidTransition), apperr.CodeInvalidTransition},
		{"specific error of a sentinel's code", apperr.New(apperr.CodeInsufficientStock, "stock.insufficient", "only 3 left"), apperr.CodeInsufficientStock},
		{"not found value", fmt.Errorf("get: %w", apperr.NotFound{Entity: "Courier", ID: 1}), apperr.CodeNotFound},
		{"not found pointer", fmt.Errorf("get: %w", &apperr.NotFound{Entity: "Courier"}), apperr.CodeNotFound},
		{"conflict", apperr.Conflict{Entity: "Courier", Field: "pinfl", HolderID: 9}, apperr.CodeConflict},
		{"invalid", apperr.InvalidField("phone", "phone.format", "not a phone number"), apperr.CodeBadUserInput},
		{"field error from a validator", fmt.Errorf("validator: %w", apperr.FieldError{Key: "pinfl.checksum", Message: "bad check digit"}), apperr.CodeBadUserInput},
		{"unknown", errors.New("disk full"), apperr.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.err); got != tt.want {
				t.Errorf("CodeOf(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestIsMatchesTheKindNotTheInstance(t *testing.T) {
	specific := apperr.New(apperr.CodeForbidden, "courier.outOfScope", "courier is outside your partners")
	if !errors.Is(fmt.Errorf("block: %w", specific), apperr.ErrForbidden) {
		t.Error("a specific FORBIDDEN error does not match ErrForbidden")
	}
	if errors.Is(specific, apperr.ErrUnauthenticated) {
		t.Error("FORBIDDEN matches ErrUnauthenticated")
	}
	for _, err := range []error{apperr.NotFound{}, apperr.Conflict{}, apperr.Invalid{}} {
		if errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%T matches ErrForbidden", err)
		}
	}
	if !errors.Is(apperr.NotFound{}, apperr.ErrNotFound) || !errors.Is(apperr.Conflict{}, apperr.ErrConflict) || !errors.Is(apperr.Invalid{}, apperr.ErrInvalid) {
		t.Error("typed errors do not match their sentinels")
	}
}

func TestInvalidCollectsFields(t *testing.T) {
	var inv apperr.Invalid
	if !inv.Empty() {
		t.Fatal("zero Invalid is not empty")
	}
	inv = inv.Add("phone", "phone.format", "not a phone number").Add("pinfl", "pinfl.length", "must be 14 digits")
	if len(inv.Fields) != 2 || inv.Fields["pinfl"].Key != "pinfl.length" {
		t.Errorf("fields = %v", inv.Fields)
	}
	if got, want := inv.Error(), "invalid input: phone: not a phone number; pinfl: must be 14 digits"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestWithRuDoesNotChangeTheSentinel(t *testing.T) {
	e := apperr.ErrForbidden.WithRu("Нет доступа").WithDetail("partner", 7)
	if apperr.ErrForbidden.MessageRu != "" || apperr.ErrForbidden.Details != nil {
		t.Error("WithRu/WithDetail modified the shared sentinel")
	}
	if e.MessageRu != "Нет доступа" || e.Details["partner"] != 7 || !errors.Is(e, apperr.ErrForbidden) {
		t.Errorf("got %+v", e)
	}
}

func TestAsFindsValuesAndPointersThroughWrapsAndJoins(t *testing.T) {
	nf := apperr.NotFound{Entity: "Courier", ID: 7}
	for name, err := range map[string]error{
		"value":         fmt.Errorf("op: %w", nf),
		"pointer":       fmt.Errorf("op: %w", &nf),
		"joined":        errors.Join(errors.New("other"), fmt.Errorf("op: %w", &nf)),
		"deeply nested": fmt.Errorf("a: %w", fmt.Errorf("b: %w", &nf)),
	} {
		got, ok := apperr.As[apperr.NotFound](err)
		if !ok || got.Entity != "Courier" {
			t.Errorf("%s: got %+v %v, want the NotFound", name, got, ok)
		}
	}
	if _, ok := apperr.As[apperr.NotFound](errors.New("plain")); ok {
		t.Error("found a NotFound in a plain error")
	}
}
