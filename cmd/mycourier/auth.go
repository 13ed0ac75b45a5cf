package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// authService builds the sign-in service from the configuration.
func authService(cfg config.Config, db *database.DB) (*authsvc.Service, error) {
	secret, err := jwtSecret(cfg)
	if err != nil {
		return nil, err
	}
	return authsvc.New(db.Client, authsvc.Config{Secret: secret, AccessTTL: cfg.AccessTTL, RefreshTTL: cfg.RefreshTTL, TrustedProxies: cfg.TrustedProxies})
}

// jwtSecret is the configured secret; in dev mode without one, a random
// secret kept in the data directory (so sign-ins survive a restart and no
// secret is ever shipped as a default).
func jwtSecret(cfg config.Config) ([]byte, error) {
	if cfg.JWTSecret != "" {
		if len(cfg.JWTSecret) < 32 {
			return nil, authsvc.ErrWeakSecret
		}
		return []byte(cfg.JWTSecret), nil
	}
	if cfg.Mode == config.ModeProduction {
		return nil, errors.New("serve: production needs --jwt-secret")
	}
	path := filepath.Join(cfg.DataDir, "jwt.secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 { // #nosec G304 -- the secret file under the operator's data directory
		return []byte(strings.TrimSpace(string(b))), nil
	}
	raw := make([]byte, 48)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := base64.RawStdEncoding.EncodeToString(raw)
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	return []byte(secret), nil
}
