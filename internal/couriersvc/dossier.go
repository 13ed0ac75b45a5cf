package couriersvc

import (
	"context"
	"fmt"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
)

// Dossier returns a courier with everything the security service looks at.
// A read by the security service is written to the audit trail: who looked
// at whose personal data, and when.
func (s *Service) Dossier(ctx context.Context, id int) (*ent.Courier, error) {
	c, err := s.client.Courier.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFound{Entity: "Courier", ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("dossier: courier[%d]: %w", id, err)
	}
	if authz.FromContext(ctx).Is(authz.AuditedDossierReaders...) {
		if err := audit.Record(ctx, s.client, "Query.courierDossier", "Courier", &c.ID, nil); err != nil {
			return nil, fmt.Errorf("dossier: courier[%d]: %w", id, err)
		}
	}
	return c, nil
}
