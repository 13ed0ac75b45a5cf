package authsvc

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/loginthrottle"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/logging"
)

// ThrottleConfig sets how sign-in failures slow an attacker down.
type ThrottleConfig struct {
	// FreeFailures may happen in a row before delays start (default 3).
	FreeFailures int
	// BaseDelay doubles with every failure after the free ones (default 1s),
	// up to MaxDelay (default 60s).
	BaseDelay, MaxDelay time.Duration
	// LoginLockout failures of one login lock it for LockoutFor (10, 15m).
	LoginLockout int
	// AddressLockout failures from one address lock it out (50).
	AddressLockout int
	LockoutFor     time.Duration
	// Window: a failure older than this no longer counts (default 15m).
	Window time.Duration
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.FreeFailures, 3)
	def(&c.LoginLockout, 10)
	def(&c.AddressLockout, 50)
	defD(&c.BaseDelay, time.Second)
	defD(&c.MaxDelay, time.Minute)
	defD(&c.LockoutFor, 15*time.Minute)
	defD(&c.Window, 15*time.Minute)
	return c
}

// rateLimited tells the client how long to wait.
func rateLimited(wait time.Duration, locked bool) error {
	secs := int(math.Ceil(wait.Seconds()))
	key, msg, ru := "auth.tooManyAttempts", "too many failed sign-ins, try again in %d s", "Слишком много неудачных попыток входа, повторите через %d с"
	if locked {
		key, msg, ru = "auth.locked", "sign-in is locked after repeated failures, try again in %d s", "Вход заблокирован после повторных ошибок, повторите через %d с"
	}
	return apperr.New(apperr.CodeRateLimited, key, fmt.Sprintf(msg, secs)).
		WithRu(fmt.Sprintf(ru, secs)).WithDetail("retryAfterSeconds", secs)
}

// reserve books a sign-in attempt against every key before the password is
// checked: one conditional update per key (failures = n+1 WHERE failures = n),
// so however many attempts race, each failure count is taken once and at most
// the allowed number of password checks happen. A key that is locked or
// still inside the growing delay after its last failure refuses the attempt.
// It reports whether this attempt locked a key (it counts as a failure until
// release says otherwise). When the database fails part way, the keys
// already booked are given back (unbook): an attempt whose password was
// never checked is not a failed sign-in.
func (s *Service) reserve(ctx context.Context, keys ...string) (locked bool, err error) {
	var booked []booking
	defer func() {
		if err != nil && database.Unavailable(err) {
			s.unbook(ctx, booked)
		}
	}()
	sctx := system(ctx)
	c := s.cfg.Throttle
	for _, key := range keys {
		limit := c.LoginLockout
		if strings.HasPrefix(key, "ip:") {
			limit = c.AddressLockout
		}
		done := false
		for attempt := 0; attempt < 5 && !done; attempt++ {
			// Microseconds: what PostgreSQL keeps, so unbook can match it.
			now := s.now().Truncate(time.Microsecond)
			r, err := s.client.LoginThrottle.Query().Where(loginthrottle.Key(key)).Only(sctx)
			if ent.IsNotFound(err) {
				// The first attempt of a key; a racing instance may create it
				// first, and the next round then books against its row.
				if err := s.client.LoginThrottle.Create().SetKey(key).Exec(sctx); err != nil && !ent.IsConstraintError(err) {
					return false, fmt.Errorf("login: throttle: %w", err)
				}
				continue
			}
			if err != nil {
				return false, fmt.Errorf("login: throttle: %w", err)
			}
			if r.LockedUntil != nil && now.Before(*r.LockedUntil) {
				return false, rateLimited(r.LockedUntil.Sub(now), true)
			}
			n := r.Failures
			if r.LastFailureAt == nil || now.Sub(*r.LastFailureAt) > c.Window {
				n = 0
			} else if n >= c.FreeFailures {
				if wait := r.LastFailureAt.Add(s.delay(n)).Sub(now); wait > 0 {
					return false, rateLimited(wait, false)
				}
			}
			u := s.client.LoginThrottle.Update().
				Where(loginthrottle.Key(key), loginthrottle.Failures(r.Failures), lastFailureIs(r.LastFailureAt)).
				SetFailures(n + 1).SetLastFailureAt(now)
			if n+1 >= limit {
				u.SetLockedUntil(now.Add(c.LockoutFor)).SetFailures(0)
			}
			touched, err := u.Save(sctx)
			if err != nil {
				return false, fmt.Errorf("login: throttle: %w", err)
			}
			done = touched == 1
			if done {
				b := booking{key: key, prevFailures: r.Failures, prevLast: r.LastFailureAt, failures: n + 1, at: now}
				if n+1 >= limit {
					b.failures, b.locked = 0, true
				}
				booked = append(booked, b)
			}
			locked = locked || (done && n+1 >= limit)
		}
		if !done { // lost every race: others are hammering this key
			return false, rateLimited(c.BaseDelay, false)
		}
	}
	return locked, nil
}

// booking is one key's reservation: the row before it, and as booked.
type booking struct {
	key          string
	prevFailures int
	prevLast     *time.Time
	failures     int
	at           time.Time
	locked       bool
}

// unbook gives back reservations of an attempt that failed for a database
// reason before its password was checked (best effort: the database may
// still be down, and the failure is logged). A row nobody booked since is
// restored as it was; one booked again since loses one failure.
func (s *Service) unbook(ctx context.Context, bs []booking) {
	sctx := system(context.WithoutCancel(ctx))
	for _, b := range bs {
		u := s.client.LoginThrottle.Update().
			Where(loginthrottle.Key(b.key), loginthrottle.Failures(b.failures), loginthrottle.LastFailureAt(b.at)).
			SetFailures(b.prevFailures)
		if b.prevLast == nil {
			u.ClearLastFailureAt()
		} else {
			u.SetLastFailureAt(*b.prevLast)
		}
		if b.locked {
			u.ClearLockedUntil()
		}
		n, err := u.Save(sctx)
		if err == nil && n == 0 && !b.locked {
			_, err = s.client.LoginThrottle.Update().
				Where(loginthrottle.Key(b.key), loginthrottle.FailuresGT(0)).AddFailures(-1).Save(sctx)
		}
		if err != nil {
			logging.FromContext(ctx).Warn().Err(err).Str("key", b.key).Msg("auth: giving back a sign-in reservation after a database failure")
		}
	}
}

// lastFailureIs matches the last failure time read, so a booking made in
// between (same count after a window reset) also loses the race.
func lastFailureIs(t *time.Time) predicate.LoginThrottle {
	if t == nil {
		return loginthrottle.LastFailureAtIsNil()
	}
	return loginthrottle.LastFailureAt(*t)
}

// delay after n failures: BaseDelay·2^(n-FreeFailures), capped.
func (s *Service) delay(n int) time.Duration {
	c := s.cfg.Throttle
	exp := n - c.FreeFailures
	if exp > 16 {
		return c.MaxDelay
	}
	d := c.BaseDelay << exp
	if d > c.MaxDelay || d <= 0 {
		return c.MaxDelay
	}
	return d
}

// release undoes a reservation after a successful sign-in: the login's
// failures are forgotten, the address gives back the one it booked.
func (s *Service) release(ctx context.Context, keys ...string) {
	for _, key := range keys {
		u := s.client.LoginThrottle.Update().Where(loginthrottle.Key(key))
		if strings.HasPrefix(key, "ip:") {
			u.Where(loginthrottle.FailuresGT(0)).AddFailures(-1)
		} else {
			u.SetFailures(0).ClearLastFailureAt().ClearLockedUntil()
		}
		if _, err := u.Save(system(ctx)); err != nil {
			logging.FromContext(ctx).Error().Err(err).Str("key", key).Msg("auth: releasing a sign-in reservation")
		}
	}
}
