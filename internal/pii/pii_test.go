package pii_test

import (
	"testing"

	"github.com/mycourier/mycourier/internal/pii"
)

func TestMasksKeepOnlyTheLastFourDigits(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{pii.MaskPINFL("31507850170028"), "**********0028"},
		{pii.MaskPhone("+998901234567"), "+998*****4567"},
		{pii.MaskPINFL("12"), "**"},
	} {
		if c.in != c.want {
			t.Errorf("got %q, want %q", c.in, c.want)
		}
	}
}
