package authsvc

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/loginthrottle"
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

// checkThrottle refuses an attempt while a key is locked or still inside
// the growing delay after its last failure.
func (s *Service) checkThrottle(ctx context.Context, keys ...string) error {
	rows, err := s.client.LoginThrottle.Query().Where(loginthrottle.KeyIn(keys...)).All(system(ctx))
	if err != nil {
		return fmt.Errorf("login: throttle: %w", err)
	}
	now := s.now()
	c := s.cfg.Throttle
	for _, r := range rows {
		if r.LockedUntil != nil && now.Before(*r.LockedUntil) {
			return rateLimited(r.LockedUntil.Sub(now), true)
		}
		if r.LastFailureAt == nil || now.Sub(*r.LastFailureAt) > c.Window || r.Failures < c.FreeFailures {
			continue
		}
		if wait := r.LastFailureAt.Add(s.delay(r.Failures)).Sub(now); wait > 0 {
			return rateLimited(wait, false)
		}
	}
	return nil
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

// recordFailure counts a failure against every key and locks the keys that
// crossed their limit; it reports whether any key became locked.
func (s *Service) recordFailure(ctx context.Context, keys ...string) (locked bool) {
	now := s.now()
	c := s.cfg.Throttle
	for _, key := range keys {
		limit := c.LoginLockout
		if len(key) > 3 && key[:3] == "ip:" {
			limit = c.AddressLockout
		}
		// Two instances may count the same key's first failure at once; the
		// unique key makes one of them retry as an update.
		for attempt := 0; attempt < 3; attempt++ {
			err := database.WithTx(system(ctx), s.client, func(tx *ent.Tx) error {
				sctx := system(ctx)
				// Counting first takes the row's write lock (PostgreSQL's
				// row lock, SQLite's database lock), so concurrent failures
				// are counted one after the other. SELECT … FOR UPDATE
				// would do it on PostgreSQL only: SQLite refuses it.
				touched, err := tx.LoginThrottle.Update().Where(loginthrottle.Key(key)).AddFailures(1).Save(sctx)
				if err != nil {
					return err
				}
				if touched == 0 {
					return tx.LoginThrottle.Create().SetKey(key).SetFailures(1).SetLastFailureAt(now).Exec(sctx)
				}
				r, err := tx.LoginThrottle.Query().Where(loginthrottle.Key(key)).Only(sctx)
				if err != nil {
					return err
				}
				n := r.Failures
				if r.LastFailureAt != nil && now.Sub(*r.LastFailureAt) > c.Window {
					n = 1
				}
				u := tx.LoginThrottle.UpdateOne(r).SetFailures(n).SetLastFailureAt(now)
				if n >= limit {
					u.SetLockedUntil(now.Add(c.LockoutFor)).SetFailures(0)
					locked = true
				}
				return u.Exec(sctx)
			})
			if err == nil {
				break
			}
			if !ent.IsConstraintError(err) {
				// The attempt already failed; losing its count must not go
				// unnoticed, but must not turn into a different answer.
				logging.FromContext(ctx).Error().Err(err).Str("key", key).Msg("auth: counting a failed sign-in")
				break
			}
		}
	}
	return locked
}

// resetThrottle forgets a key's failures after a successful sign-in.
func (s *Service) resetThrottle(ctx context.Context, key string) {
	_, _ = s.client.LoginThrottle.Update().
		Where(loginthrottle.Key(key)).
		SetFailures(0).ClearLastFailureAt().ClearLockedUntil().
		Save(system(ctx))
}
