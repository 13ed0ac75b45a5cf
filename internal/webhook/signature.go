package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Headers of a delivery.
const (
	HeaderSignature = "Mycourier-Signature" // "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body)
	HeaderTimestamp = "Mycourier-Timestamp" // Unix seconds when the attempt was signed
	HeaderEventID   = "Mycourier-Event-Id"  // the same on every retry: receivers drop duplicates by it
	HeaderEventType = "Mycourier-Event-Type"
)

// Sign returns the signature header value of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(t.Unix(), 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}
