// Package webhook tells integrators what happened. The outbox (package
// outbox) records every courier status change and stock movement in the
// transaction that makes it; the Dispatcher delivers each event to the
// owner's endpoints as JSON signed with HMAC-SHA256, retries with
// exponential backoff for a day, records every attempt, and keeps the
// events of one courier in order while other couriers' events proceed.
package webhook
