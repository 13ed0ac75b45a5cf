package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/webhookendpoint"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/idempotency"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// Service manages the owner's endpoints.
type Service struct{ client *gen.Client }

// NewService returns the endpoint service over client.
func NewService(client *gen.Client) *Service { return &Service{client: client} }

// CreateEndpointInput registers an endpoint.
type CreateEndpointInput struct {
	URL            string
	Description    *string
	IdempotencyKey string
}

// UpdateEndpointInput changes an endpoint; nil fields stay as they are.
type UpdateEndpointInput struct {
	URL         *string
	Description *string
	Enabled     *bool
}

// CreatedEndpoint is a new endpoint with its signing secret, which is shown
// here only.
type CreatedEndpoint struct {
	Endpoint *gen.WebhookEndpoint
	Secret   string
}

// CheckURL is the rule for endpoint URLs: absolute http or https, a host,
// no credentials in the URL. Which addresses may be reached is decided when
// connecting (see Options.AllowPrivate), since a name can resolve anywhere.
func CheckURL(raw string) error {
	bad := func(key, msg string) error { return apperr.InvalidField("url", key, msg) }
	if utf8.RuneCountInString(raw) > 2000 {
		return bad("validation.tooLong", "is longer than 2000 characters")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || raw == "":
		return bad("webhook.urlInvalid", "is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("webhook.urlScheme", "must start with http:// or https://")
	case u.Hostname() == "":
		return bad("webhook.urlHost", "has no host")
	case u.User != nil:
		return bad("webhook.urlCredentials", "must not carry a user name or password")
	case u.Fragment != "":
		return bad("webhook.urlFragment", "must not have a #fragment")
	}
	return nil
}

// newSecret makes a signing secret and the hint that names it later.
func newSecret() (secret, hint string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret = "whsec_" + base64.RawURLEncoding.EncodeToString(b)
	return secret, secret[:8] + "…" + secret[len(secret)-4:]
}

func checkDescription(d *string) error {
	if d != nil && utf8.RuneCountInString(*d) > 200 {
		return apperr.InvalidField("description", "validation.tooLong", "is longer than 200 characters")
	}
	return nil
}

// CreateEndpoint registers an endpoint for every event type. A retry with
// the same idempotency key returns the same endpoint and secret.
func (s *Service) CreateEndpoint(ctx context.Context, in CreateEndpointInput) (*CreatedEndpoint, error) {
	in.URL = strings.TrimSpace(in.URL)
	if err := CheckURL(in.URL); err != nil {
		return nil, fmt.Errorf("create webhook endpoint: %w", err)
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, fmt.Errorf("create webhook endpoint: %w", err)
	}
	req, err := idempotency.New(ctx, "createWebhookEndpoint", in.IdempotencyKey, in)
	if err != nil {
		return nil, fmt.Errorf("create webhook endpoint: %w", err)
	}
	var out *CreatedEndpoint
	err = idempotency.RetryInFlight(ctx, func() error {
		return database.InTx(ctx, s.client, func(tx *gen.Tx) error {
			c := tx.Client()
			if prev, ok, err := req.Lookup(ctx, c); err != nil || ok {
				if err != nil {
					return err
				}
				id, _ := prev["endpointID"].(float64)
				e, err := c.WebhookEndpoint.Get(ctx, int(id))
				if err != nil {
					return err
				}
				out = &CreatedEndpoint{Endpoint: e, Secret: e.SigningSecret}
				return nil
			}
			secret, hint := newSecret()
			cr := c.WebhookEndpoint.Create().SetURL(in.URL).SetNillableDescription(in.Description).
				SetSigningSecret(secret).SetSecretHint(hint)
			if v := authz.FromContext(ctx); v != nil && v.Kind == authz.KindUser && v.ID != 0 {
				cr.SetCreatedByID(v.ID)
			}
			e, err := cr.Save(ctx)
			if err != nil {
				return err
			}
			out = &CreatedEndpoint{Endpoint: e, Secret: secret}
			return req.Record(ctx, c, map[string]any{"endpointID": e.ID})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("create webhook endpoint: %w", err)
	}
	return out, nil
}

// UpdateEndpoint changes an endpoint's URL, description or whether it
// receives new events.
func (s *Service) UpdateEndpoint(ctx context.Context, id int, in UpdateEndpointInput) (*gen.WebhookEndpoint, error) {
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		in.URL = &u
		if err := CheckURL(u); err != nil {
			return nil, fmt.Errorf("update webhook endpoint[%d]: %w", id, err)
		}
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, fmt.Errorf("update webhook endpoint[%d]: %w", id, err)
	}
	var out *gen.WebhookEndpoint
	err := database.InTx(ctx, s.client, func(tx *gen.Tx) error {
		c := tx.Client()
		if _, err := c.WebhookEndpoint.Query().Where(webhookendpoint.ID(id)).Only(ctx); err != nil {
			if gen.IsNotFound(err) {
				return apperr.NotFound{Entity: "WebhookEndpoint", ID: id}
			}
			return err
		}
		u := c.WebhookEndpoint.UpdateOneID(id).SetNillableDescription(in.Description).SetNillableEnabled(in.Enabled)
		if in.URL != nil {
			u.SetURL(*in.URL)
		}
		var err error
		out, err = u.Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update webhook endpoint[%d]: %w", id, err)
	}
	return out, nil
}
