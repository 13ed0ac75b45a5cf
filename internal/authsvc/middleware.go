package authsvc

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httperror"
	"github.com/mycourier/mycourier/internal/platform/logging"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// Middleware puts the request's facts (id, client address) and, when the
// request carries `Authorization: Bearer …`, its viewer into the context.
// A request without credentials goes on as anonymous (the operation matrix
// decides what that may do); a request with bad credentials stops here
// with 401, so a client never mistakes a broken token for being signed out.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := reqinfo.With(r.Context(), reqinfo.Info{
			RequestID: middleware.GetReqID(r.Context()),
			ClientIP:  reqinfo.ClientIP(r, s.cfg.TrustedProxies),
			UserAgent: reqinfo.Clean(r.UserAgent(), 300),
		})
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				unauthorized(w, r, "auth.badHeader", "use Authorization: Bearer <token>")
				return
			}
			v, err := s.Authenticate(ctx, strings.TrimSpace(token))
			if errors.Is(err, ErrInvalidToken) {
				unauthorized(w, r, ErrInvalidToken.Key, ErrInvalidToken.Message)
				return
			}
			if database.Unavailable(err) {
				// The database is out of reach (or the deadline passed):
				// a retry-safe 503, the cause in the log only.
				logging.FromContext(ctx).Warn().Err(err).Msg("auth: token lookup: database unavailable")
				httperror.Unavailable(w, r)
				return
			}
			if err != nil {
				// Not the client's fault: a 401 would make it drop a good
				// token. The cause goes to the log only.
				logging.FromContext(ctx).Error().Err(err).Msg("auth: internal error")
				httperror.Write(w, r, http.StatusInternalServerError, "INTERNAL", "error.internal", "internal error")
				return
			}
			ctx = authz.NewContext(ctx, v)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func unauthorized(w http.ResponseWriter, r *http.Request, key, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="mycourier"`)
	httperror.Write(w, r, http.StatusUnauthorized, "UNAUTHENTICATED", key, msg)
}
