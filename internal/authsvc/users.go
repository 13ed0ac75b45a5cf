package authsvc

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/apitoken"
	"github.com/mycourier/mycourier/ent/session"
	"github.com/mycourier/mycourier/ent/user"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
)

var loginRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// UserInput is what the owner sets on a user. Nil fields are left as they are.
type UserInput struct {
	Login          string // create only
	FullName       *string
	Role           *authz.Role
	Active         *bool
	TelegramUserID *int64
	PartnerIDs     *[]int
	RegionIDs      *[]int
	WarehouseIDs   *[]int
}

// CreateUser registers a user with an initial password.
func (s *Service) CreateUser(ctx context.Context, in UserInput, password string) (*ent.User, error) {
	login := NormalizeLogin(in.Login)
	bad := apperr.Invalid{}
	if !loginRE.MatchString(login) {
		bad = bad.Add("login", "login.format", "3–64 characters: latin letters, digits, dot, dash, underscore")
	}
	if in.FullName == nil || strings.TrimSpace(*in.FullName) == "" {
		bad = bad.Add("fullName", "fullName.required", "the full name is required")
	}
	if in.Role == nil {
		bad = bad.Add("role", "role.required", "the role is required")
	}
	if err := CheckPasswordPolicy("password", login, password); err != nil {
		if fe, ok := apperr.As[apperr.Invalid](err); ok {
			for f, e := range fe.Fields {
				bad = bad.Add(f, e.Key, e.Message)
			}
		}
	}
	if !bad.Empty() {
		return nil, bad
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var u *ent.User
	err = database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		c := tx.User.Create().
			SetLogin(login).
			SetFullName(strings.TrimSpace(*in.FullName)).
			SetRole(user.Role(*in.Role)).
			SetPasswordHash(hash).
			SetPasswordChangedAt(s.now()).
			SetNillableTelegramUserID(in.TelegramUserID)
		if in.Active != nil {
			c.SetActive(*in.Active)
		}
		if in.PartnerIDs != nil {
			c.AddPartnerIDs(*in.PartnerIDs...)
		}
		if in.RegionIDs != nil {
			c.AddRegionIDs(*in.RegionIDs...)
		}
		if in.WarehouseIDs != nil {
			c.AddWarehouseIDs(*in.WarehouseIDs...)
		}
		u, err = c.Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", login, err)
	}
	return u, nil
}

// UpdateUser changes a user's name, role, scope, Telegram id or active
// flag. Disabling a user signs them out everywhere.
func (s *Service) UpdateUser(ctx context.Context, id int, in UserInput) (*ent.User, error) {
	var u *ent.User
	err := database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		up := tx.User.UpdateOneID(id)
		if in.FullName != nil {
			if strings.TrimSpace(*in.FullName) == "" {
				return apperr.InvalidField("fullName", "fullName.required", "the full name is required")
			}
			up.SetFullName(strings.TrimSpace(*in.FullName))
		}
		if in.Role != nil {
			up.SetRole(user.Role(*in.Role))
		}
		if in.Active != nil {
			up.SetActive(*in.Active)
		}
		if in.TelegramUserID != nil {
			up.SetTelegramUserID(*in.TelegramUserID)
		}
		if in.PartnerIDs != nil {
			up.ClearPartners().AddPartnerIDs(*in.PartnerIDs...)
		}
		if in.RegionIDs != nil {
			up.ClearRegions().AddRegionIDs(*in.RegionIDs...)
		}
		if in.WarehouseIDs != nil {
			up.ClearWarehouses().AddWarehouseIDs(*in.WarehouseIDs...)
		}
		var err error
		if u, err = up.Save(ctx); err != nil {
			return err
		}
		if in.Active != nil && !*in.Active {
			return s.revokeAll(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update user[%d]: %w", id, err)
	}
	return u, nil
}

// ResetPassword sets a user's password (the owner, or the CLI) and signs
// the user out everywhere.
func (s *Service) ResetPassword(ctx context.Context, id int, password string) error {
	sctx := system(ctx)
	u, err := s.client.User.Get(sctx, id)
	if err != nil {
		return fmt.Errorf("reset password: user[%d]: %w", id, err)
	}
	if err := CheckPasswordPolicy("password", u.Login, password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		if err := tx.User.UpdateOneID(id).SetPasswordHash(hash).SetPasswordChangedAt(s.now()).Exec(ctx); err != nil {
			return fmt.Errorf("reset password: user[%d]: %w", id, err)
		}
		return s.revokeAll(ctx, tx, id)
	})
}

func (s *Service) revokeAll(ctx context.Context, tx *ent.Tx, userID int) error {
	_, err := tx.Session.Update().
		Where(session.UserID(userID), session.RevokedAtIsNil()).
		SetRevokedAt(s.now()).Save(system(ctx))
	return err
}

// UserByLogin finds a user by login (for the CLI).
func (s *Service) UserByLogin(ctx context.Context, login string) (*ent.User, error) {
	u, err := s.client.User.Query().Where(user.Login(NormalizeLogin(login))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFound{Entity: "User", ID: login}
	}
	return u, err
}

// HasUsers tells whether anyone can sign in yet.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	return s.client.User.Query().Exist(system(ctx))
}

// APITokenInput describes a new API token.
type APITokenInput struct {
	Name         string
	Role         authz.Role
	ExpiresAt    time.Time
	PIIAccess    bool
	PartnerIDs   []int
	RegionIDs    []int
	WarehouseIDs []int
}

// MaxAPITokenLifetime bounds how long a token may live.
const MaxAPITokenLifetime = 2 * 366 * 24 * time.Hour

// CreateAPIToken creates a token and returns its secret, which is never
// shown again.
func (s *Service) CreateAPIToken(ctx context.Context, in APITokenInput) (string, *ent.ApiToken, error) {
	bad := apperr.Invalid{}
	if strings.TrimSpace(in.Name) == "" {
		bad = bad.Add("name", "name.required", "the name is required")
	}
	if _, err := authz.ParseRole(string(in.Role)); err != nil {
		bad = bad.Add("role", "role.unknown", err.Error())
	}
	switch {
	case !in.ExpiresAt.After(s.now()):
		bad = bad.Add("expiresAt", "expiresAt.past", "the expiry must be in the future")
	case in.ExpiresAt.Sub(s.now()) > MaxAPITokenLifetime:
		bad = bad.Add("expiresAt", "expiresAt.tooFar", "a token may live at most two years")
	}
	if !bad.Empty() {
		return "", nil, bad
	}
	secret := APITokenPrefix + randomString(32)
	var t *ent.ApiToken
	err := database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		c := tx.ApiToken.Create().
			SetName(strings.TrimSpace(in.Name)).
			SetPrefix(secret[:len(APITokenPrefix)+6]).
			SetTokenHash(hashToken(secret)).
			SetRole(apitoken.Role(in.Role)).
			SetPiiAccess(in.PIIAccess).
			SetExpiresAt(in.ExpiresAt).
			AddPartnerIDs(in.PartnerIDs...).
			AddRegionIDs(in.RegionIDs...).
			AddWarehouseIDs(in.WarehouseIDs...)
		if v := authz.FromContext(ctx); v != nil && v.Kind == authz.KindUser {
			c.SetCreatedByID(v.ID)
		}
		var err error
		t, err = c.Save(ctx)
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("create API token: %w", err)
	}
	return secret, t, nil
}

// ErrAPITokenRevoked: the token was revoked already (its first revocation
// time and audit entry stand).
var ErrAPITokenRevoked = apperr.New(apperr.CodeConflict, "apiToken.alreadyRevoked",
	"this API token was already revoked").WithRu("Этот API-токен уже отозван")

// RevokeAPIToken stops a token from working; it stays listed. Revoking is a
// conditional update on a live token, so of two revocations at once one
// records it and the other is told it was already done.
func (s *Service) RevokeAPIToken(ctx context.Context, id int) (*ent.ApiToken, error) {
	var t *ent.ApiToken
	err := database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		var err error
		t, err = tx.ApiToken.UpdateOneID(id).Where(apitoken.RevokedAtIsNil()).SetRevokedAt(s.now()).Save(ctx)
		if ent.IsNotFound(err) {
			if exists, xerr := tx.ApiToken.Query().Where(apitoken.ID(id)).Exist(ctx); xerr == nil && exists {
				return ErrAPITokenRevoked
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("revoke API token[%d]: %w", id, err)
	}
	return t, nil
}
