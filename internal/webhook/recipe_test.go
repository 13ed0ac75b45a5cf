package webhook_test

// This file is the verification recipe of docs/webhooks.md, verbatim (a
// test keeps the two equal); the delivery tests verify with it.

// recipe:begin
import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// verifyWebhook checks a mycourier delivery: the signature over
// "<timestamp>.<body>" with the endpoint's secret, and a timestamp no
// older than five minutes (a replayed old request is refused).
func verifyWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	ts := h.Get("Mycourier-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("webhook: bad timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("webhook: timestamp too far from now")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(h.Get("Mycourier-Signature"))) {
		return errors.New("webhook: bad signature")
	}
	return nil
}

// recipe:end
