// Package authsvc signs people and integrations in: passwords, access and
// refresh tokens, API tokens, brute-force throttling, and the users and
// tokens the owner manages. It turns a bearer credential into an
// authz.Viewer; what that viewer may do is authz's business.
package authsvc

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/jwtauth/v5"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/apitoken"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/ent/session"
	"github.com/mycourier/mycourier/ent/user"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/logging"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// Errors of sign-in. ErrInvalidCredentials is the one answer to a wrong
// login, a wrong password and a disabled account alike.
var (
	ErrInvalidCredentials = apperr.New(apperr.CodeUnauthenticated, "auth.invalidCredentials", "invalid login or password").
				WithRu("Неверный логин или пароль")
	ErrInvalidToken = apperr.New(apperr.CodeUnauthenticated, "auth.invalidToken", "the token is invalid or expired").
			WithRu("Токен недействителен или истёк")
	ErrWeakSecret = errors.New("authsvc: the JWT secret must be at least 32 bytes of random data")
)

// APITokenPrefix starts every API token, so one is recognisable in a config
// file or a leaked log.
const APITokenPrefix = "mc_"

// Config configures the service.
type Config struct {
	// Secret signs access tokens (HS256); at least 32 bytes.
	Secret     []byte
	AccessTTL  time.Duration // default 15m
	RefreshTTL time.Duration // default 30 days
	Throttle   ThrottleConfig
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (reqinfo.ClientIP); the audit trail and the sign-in
	// throttle book requests under that address.
	TrustedProxies []netip.Prefix
	// Now is the clock (default time.Now); tests move it to expire tokens
	// and sit out delays without sleeping. Access tokens are checked
	// against it too.
	Now func() time.Time
}

// Service is the sign-in service.
type Service struct {
	client    *ent.Client
	cfg       Config
	jwt       *jwtauth.JWTAuth
	dummyHash string
	now       func() time.Time
}

// New returns the service over client.
func New(client *ent.Client, cfg Config) (*Service, error) {
	if len(cfg.Secret) < 32 {
		return nil, ErrWeakSecret
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = 15 * time.Minute
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	cfg.Throttle = cfg.Throttle.withDefaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// A hash of a random password: unknown logins are checked against it so
	// they cost the same time as wrong passwords.
	dummy, err := HashPassword(randomString(24))
	if err != nil {
		return nil, err
	}
	return &Service{
		client:    client,
		cfg:       cfg,
		jwt:       jwtauth.New("HS256", cfg.Secret, nil, jwt.WithAcceptableSkew(5*time.Second), jwt.WithClock(jwt.ClockFunc(cfg.Now))),
		dummyHash: dummy,
		now:       cfg.Now,
	}, nil
}

// Tokens is what a sign-in or refresh returns.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    time.Time
	User         *ent.User
}

// system is the context the service reads and writes its own records in.
func system(ctx context.Context) context.Context { return authz.SystemContext(ctx, "auth") }

// NormalizeLogin is how logins are stored and compared: case-insensitive.
func NormalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Login checks a login and password and opens a session.
func (s *Service) Login(ctx context.Context, login, password string) (*Tokens, error) {
	login = NormalizeLogin(login)
	// A login that breaks the login rules belongs to nobody: its text never
	// reaches a bounded column or the user query (PostgreSQL refuses NUL), so
	// it is throttled under a digest and shown clipped in the trail.
	possible := loginRE.MatchString(login)
	key, shown := "login:"+login, login
	if !possible {
		sum := sha256.Sum256([]byte(login))
		key, shown = "login#"+hex.EncodeToString(sum[:16]), reqinfo.Clean(login, 64)
	}
	info := reqinfo.From(ctx)
	keys := []string{key}
	if info.ClientIP != "" {
		keys = append(keys, "ip:"+info.ClientIP)
	}
	// The user is read before the attempt is booked: a database failure
	// here is not a failed sign-in, and costs no booking.
	var u *ent.User
	var err error
	if possible {
		u, err = s.client.User.Query().Where(user.Login(login), user.ArchivedAtIsNil()).Only(system(ctx))
		if err != nil && !ent.IsNotFound(err) {
			return nil, fmt.Errorf("login: %w", err)
		}
	}
	locked, err := s.reserve(ctx, keys...)
	if err != nil {
		if !database.Unavailable(err) {
			s.recordEvent(ctx, nil, "auth.login_throttled", map[string]any{"login": shown})
		}
		return nil, err
	}
	hash := s.dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok := checkPassword(password, hash)
	if !ok || u == nil || !u.Active || u.PasswordHash == "" {
		details := map[string]any{"login": shown}
		var id *int
		if u != nil {
			id = &u.ID
		}
		s.recordEvent(ctx, id, "auth.login_failed", details)
		if locked {
			s.recordEvent(ctx, id, "auth.lockout", details)
		}
		return nil, ErrInvalidCredentials
	}
	s.release(ctx, keys...)
	var tokens *Tokens
	err = database.WithTx(system(ctx), s.client, func(tx *ent.Tx) error {
		u, err = tx.User.UpdateOne(u).SetLastSignInAt(s.now()).Save(system(ctx))
		if err != nil {
			return err
		}
		tokens, err = s.openSession(ctx, tx, u, randomString(16))
		if err != nil {
			return err
		}
		return audit.Record(userContext(ctx, u), tx.Client(), "auth.login", "User", &u.ID, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return tokens, nil
}

// userContext acts as u for the audit trail.
func userContext(ctx context.Context, u *ent.User) context.Context {
	return authz.NewContext(ctx, &authz.Viewer{Kind: authz.KindUser, ID: u.ID, Name: u.Login, Role: authz.Role(u.Role)})
}

// openSession issues an access token and a refresh token in family.
func (s *Service) openSession(ctx context.Context, tx *ent.Tx, u *ent.User, family string) (*Tokens, error) {
	refresh := randomString(32)
	info := reqinfo.From(ctx)
	err := tx.Session.Create().
		SetUserID(u.ID).
		SetFamilyID(family).
		SetTokenHash(hashToken(refresh)).
		SetExpiresAt(s.now().Add(s.cfg.RefreshTTL)).
		SetClientIP(info.ClientIP).
		SetUserAgent(reqinfo.Clean(info.UserAgent, 300)).
		Exec(system(ctx))
	if err != nil {
		return nil, err
	}
	exp := s.now().Add(s.cfg.AccessTTL)
	_, access, err := s.jwt.Encode(map[string]any{
		"sub": strconv.Itoa(u.ID),
		"sid": family,
		"typ": "access",
		"iat": s.now().Unix(),
		"exp": exp.Unix(),
	})
	if err != nil {
		return nil, fmt.Errorf("sign access token: %w", err)
	}
	return &Tokens{AccessToken: access, RefreshToken: refresh, ExpiresAt: exp, User: u}, nil
}

// Refresh exchanges a refresh token for new tokens. A refresh token works
// once: presenting one that was already exchanged (or revoked) means it was
// stolen or replayed, and revokes every token of its family.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	if refreshToken == "" || len(refreshToken) > 200 {
		return nil, ErrInvalidToken
	}
	sctx := system(ctx)
	var (
		tokens *Tokens
		reused *ent.Session
	)
	err := database.WithTx(sctx, s.client, func(tx *ent.Tx) error {
		sess, err := tx.Session.Query().Where(session.TokenHash(hashToken(refreshToken))).WithUser().Only(sctx)
		if ent.IsNotFound(err) {
			return ErrInvalidToken
		}
		if err != nil {
			return err
		}
		if sess.UsedAt != nil || sess.RevokedAt != nil {
			reused = sess
			return ErrInvalidToken
		}
		if s.now().After(sess.ExpiresAt) || !sess.Edges.User.Active || sess.Edges.User.ArchivedAt != nil {
			return ErrInvalidToken
		}
		// Conditional on the token still being live: of two exchanges (or an
		// exchange and a sign-out) at once only one matches.
		n, err := tx.Session.Update().Where(session.ID(sess.ID), session.UsedAtIsNil(), session.RevokedAtIsNil()).
			SetUsedAt(s.now()).Save(sctx)
		if err != nil {
			return err
		}
		if n == 0 { // exchanged or revoked concurrently
			return ErrInvalidToken
		}
		tokens, err = s.openSession(ctx, tx, sess.Edges.User, sess.FamilyID)
		return err
	})
	if reused != nil {
		if _, rerr := s.client.Session.Update().
			Where(session.FamilyID(reused.FamilyID), session.RevokedAtIsNil()).
			SetRevokedAt(s.now()).Save(sctx); rerr != nil {
			return nil, fmt.Errorf("refresh: revoke family: %w", rerr)
		}
		s.recordEvent(ctx, &reused.UserID, "auth.refresh_reuse", map[string]any{"family": reused.FamilyID})
	}
	if err != nil {
		if errors.Is(err, ErrInvalidToken) {
			return nil, err
		}
		return nil, fmt.Errorf("refresh: %w", err)
	}
	return tokens, nil
}

// Logout revokes the session family the viewer signed in with.
func (s *Service) Logout(ctx context.Context) error {
	v := authz.FromContext(ctx)
	if v == nil || v.Kind != authz.KindUser || v.Session == "" {
		return apperr.ErrUnauthenticated
	}
	return s.revoke(ctx, v, session.FamilyID(v.Session), "auth.logout")
}

// LogoutEverywhere revokes every session of the viewer.
func (s *Service) LogoutEverywhere(ctx context.Context) error {
	v := authz.FromContext(ctx)
	if v == nil || v.Kind != authz.KindUser {
		return apperr.ErrUnauthenticated
	}
	return s.revoke(ctx, v, session.UserID(v.ID), "auth.logoutEverywhere")
}

// revoke ends the viewer's sessions which selects; the trail tells a
// sign-out from a sign-out everywhere, with how many sessions it ended.
func (s *Service) revoke(ctx context.Context, v *authz.Viewer, which predicate.Session, operation string) error {
	n, err := s.client.Session.Update().
		Where(which, session.RevokedAtIsNil()).
		SetRevokedAt(s.now()).Save(system(ctx))
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	s.recordEvent(ctx, &v.ID, operation, map[string]any{"sessions": n})
	return nil
}

// ChangePassword replaces the viewer's password and revokes every other
// session (the one in use stays signed in).
func (s *Service) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	v := authz.FromContext(ctx)
	if v == nil || v.Kind != authz.KindUser {
		return apperr.ErrUnauthenticated
	}
	sctx := system(ctx)
	u, err := s.client.User.Get(sctx, v.ID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !checkPassword(oldPassword, u.PasswordHash) {
		return apperr.InvalidField("oldPassword", "password.wrong", "the current password is wrong")
	}
	if err := CheckPasswordPolicy("newPassword", u.Login, newPassword); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	// Anyone may change their own password, whatever the role matrix says
	// about editing users: allow this one write past the privacy policy,
	// with the viewer kept so the audit trail names them.
	self := privacy.DecisionContext(ctx, privacy.Allow)
	return database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		if err := tx.User.UpdateOne(u).SetPasswordHash(hash).SetPasswordChangedAt(s.now()).Exec(self); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		_, err := tx.Session.Update().
			Where(session.UserID(u.ID), session.FamilyIDNEQ(v.Session), session.RevokedAtIsNil()).
			SetRevokedAt(s.now()).Save(sctx)
		return err
	})
}

// Authenticate turns a bearer credential into a viewer: an API token
// (APITokenPrefix) or an access token. The user or token is read afresh each
// time, so a disabled user, a changed role, a revoked token or a signed-out
// session stops working at once. Any bad credential is ErrInvalidToken; any
// other error is the database's, and says nothing about the credential.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*authz.Viewer, error) {
	if strings.HasPrefix(bearer, APITokenPrefix) {
		return s.authenticateAPIToken(ctx, bearer)
	}
	if !signedHS256(bearer) {
		return nil, ErrInvalidToken
	}
	tok, err := jwtauth.VerifyToken(s.jwt, bearer)
	if err != nil {
		return nil, ErrInvalidToken
	}
	// The verifier checks exp only when it is there: a token without one
	// would never expire.
	if tok.Expiration().IsZero() {
		return nil, ErrInvalidToken
	}
	typ, _ := tok.Get("typ")
	sid, _ := tok.Get("sid")
	family, _ := sid.(string)
	id, err := strconv.Atoi(tok.Subject())
	if typ != "access" || err != nil || family == "" {
		return nil, ErrInvalidToken
	}
	sctx := system(ctx)
	u, err := s.client.User.Query().
		Where(user.ID(id), user.Active(true), user.ArchivedAtIsNil()).
		WithPartners(func(q *ent.PartnerQuery) { q.Select("id") }).
		WithRegions(func(q *ent.RegionQuery) { q.Select("id") }).
		WithWarehouses(func(q *ent.WarehouseQuery) { q.Select("id") }).
		Only(sctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: user[%d]: %w", id, err)
	}
	live, err := s.client.Session.Query().
		Where(session.FamilyID(family), session.UserID(u.ID), session.RevokedAtIsNil()).
		Exist(sctx)
	if err != nil {
		return nil, fmt.Errorf("authenticate: session: %w", err)
	}
	if !live {
		return nil, ErrInvalidToken
	}
	role := authz.Role(u.Role)
	return &authz.Viewer{
		Kind:    authz.KindUser,
		ID:      u.ID,
		Name:    u.Login,
		Role:    role,
		Session: family,
		PII:     slices.Contains(authz.PIIRoles, role),
		Scope: authz.Scope{
			Partners:   ids(u.Edges.Partners),
			Regions:    ids(u.Edges.Regions),
			Warehouses: ids(u.Edges.Warehouses),
		},
	}, nil
}

func (s *Service) authenticateAPIToken(ctx context.Context, secret string) (*authz.Viewer, error) {
	if len(secret) > 200 {
		return nil, ErrInvalidToken
	}
	sctx := system(ctx)
	t, err := s.client.ApiToken.Query().
		Where(apitoken.TokenHash(hashToken(secret)), apitoken.RevokedAtIsNil()).
		WithPartners(func(q *ent.PartnerQuery) { q.Select("id") }).
		WithRegions(func(q *ent.RegionQuery) { q.Select("id") }).
		WithWarehouses(func(q *ent.WarehouseQuery) { q.Select("id") }).
		Only(sctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: API token: %w", err)
	}
	if !s.now().Before(t.ExpiresAt) {
		return nil, ErrInvalidToken
	}
	// Last use is kept to the minute: a write per request would be waste.
	// It is bookkeeping, not a change by a person: the audit hook lets it
	// through without an event or a transaction (audit.bookkeeping). A
	// failed touch does not refuse the request; it is logged.
	if t.LastUsedAt == nil || s.now().Sub(*t.LastUsedAt) > time.Minute {
		// One statement (an update by id would open a transaction to
		// re-read the row).
		if err := s.client.ApiToken.Update().Where(apitoken.ID(t.ID)).SetLastUsedAt(s.now()).Exec(sctx); err != nil {
			logging.FromContext(ctx).Warn().Err(err).Int("token", t.ID).Msg("auth: API token last use not recorded")
		}
	}
	role := authz.Role(t.Role)
	return &authz.Viewer{
		Kind: authz.KindToken,
		ID:   t.ID,
		Name: t.Name,
		Role: role,
		PII:  t.PiiAccess || (role != authz.Integrator && slices.Contains(authz.PIIRoles, role)),
		Scope: authz.Scope{
			Partners:   ids(t.Edges.Partners),
			Regions:    ids(t.Edges.Regions),
			Warehouses: ids(t.Edges.Warehouses),
		},
	}, nil
}

// recordEvent writes a sign-in event in its own transaction: it must stay
// even when the operation it describes fails. Most of these happen before
// anyone is signed in, where the privacy policy refuses every write; the
// event is allowed past it with the (absent) viewer kept, so the trail says
// who acted: nobody yet.
func (s *Service) recordEvent(ctx context.Context, userID *int, op string, details map[string]any) {
	if err := audit.Record(privacy.DecisionContext(ctx, privacy.Allow), s.client, op, "User", userID, details); err != nil {
		logging.FromContext(ctx).Error().Err(err).Str("operation", op).Msg("auth: audit event lost")
	}
}

// ids lists the ids of scope records.
func ids[T any](xs []*T) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		switch v := any(x).(type) {
		case *ent.Partner:
			out[i] = v.ID
		case *ent.Region:
			out[i] = v.ID
		case *ent.Warehouse:
			out[i] = v.ID
		}
	}
	return out
}

// signedHS256 tells whether a JWT's header names the one algorithm we sign
// with. The verifier uses its key's algorithm whatever the header says, so
// a token claiming "RS256" or "none" would otherwise pass on an HS256 MAC:
// harmless today, but a token must not lie about how it is signed.
func signedHS256(token string) bool {
	head, _, ok := strings.Cut(token, ".")
	if !ok || len(head) > 200 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(raw, &h) == nil && h.Alg == "HS256"
}

// hashToken is how refresh and API tokens are stored: only their SHA-256.
// They are long random strings, so a fast hash is enough.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
