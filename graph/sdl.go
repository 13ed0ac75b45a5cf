package graph

import (
	"net/http"

	"github.com/mycourier/mycourier"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// SchemaHandler serves the published schema (schema.graphql) to signed-in
// callers: integrators read the API, its role directives and descriptions
// from it even where introspection is off.
func SchemaHandler(w http.ResponseWriter, r *http.Request) {
	if authz.FromContext(r.Context()) == nil {
		httperror.Write(w, r, http.StatusUnauthorized, string(apperr.CodeUnauthenticated), "error.unauthenticated", "sign in to continue")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(mycourier.SchemaSDL)
}
