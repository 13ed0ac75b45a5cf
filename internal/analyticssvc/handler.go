package analyticssvc

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// Handler serves GET /export/dashboard?format=csv|xlsx&section=…&from=YYYY-MM-DD
// &to=…&partnerIDs=1,2&regionIDs=…&branchIDs=…&transportTypes=FOOT,CAR&interval=DAY|WEEK|MONTH:
// the dashboard's filter and scope, CSV of one section or XLSX of the listed
// sections (all when none), audited. Put the auth middleware in front.
func (s *Service) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		format := strings.ToLower(q.Get("format"))
		if format == "" {
			format = "xlsx"
		}
		f, err := parseFilter(q.Get)
		if err != nil {
			writeError(w, err)
			return
		}
		var sections []string
		if v := q.Get("section"); v != "" {
			sections = strings.Split(v, ",")
		}
		// Render into memory first: an error after the headers went out
		// could not be reported.
		var buf strings.Builder
		if err := s.Export(req.Context(), &buf, format, f, Interval(strings.ToLower(q.Get("interval"))), sections...); err != nil {
			writeError(w, err)
			if apperr.CodeOf(err) == apperr.CodeInternal {
				zerolog.Ctx(req.Context()).Error().Err(err).Msg("dashboard export failed")
			}
			return
		}
		ct := "text/csv; charset=utf-8"
		if format == "xlsx" {
			ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=dashboard-%s.%s", time.Now().UTC().Format("20060102-1504"), format))
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write([]byte(buf.String()))
	})
}

func parseFilter(get func(string) string) (Filter, error) {
	var f Filter
	bad := apperr.Invalid{}
	date := func(name string) *time.Time {
		v := get(name)
		if v == "" {
			return nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			bad = bad.Add(name, "validation.date", "must be a date YYYY-MM-DD")
			return nil
		}
		return &t
	}
	ids := func(name string) []int {
		var out []int
		for _, p := range strings.Split(get(name), ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			n, err := strconv.Atoi(p)
			if err != nil || n <= 0 {
				bad = bad.Add(name, "validation.ids", "must be ids separated by commas")
				return nil
			}
			out = append(out, n)
		}
		return out
	}
	f.From, f.To = date("from"), date("to")
	f.PartnerIDs, f.RegionIDs, f.BranchIDs = ids("partnerIDs"), ids("regionIDs"), ids("branchIDs")
	for _, t := range strings.Split(get("transportTypes"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			f.TransportTypes = append(f.TransportTypes, strings.ToLower(t))
		}
	}
	if !bad.Empty() {
		return f, bad
	}
	return f, nil
}

func writeError(w http.ResponseWriter, err error) {
	if database.Unavailable(err) {
		err = database.ErrUnavailable
		w.Header().Set("Retry-After", httperror.RetryAfter)
	}
	code := apperr.CodeOf(err)
	status := map[apperr.Code]int{apperr.CodeUnauthenticated: 401, apperr.CodeForbidden: 403, apperr.CodeBadUserInput: 400, apperr.CodeUnavailable: 503}[code]
	msg := "internal error"
	if status == 0 {
		status, code = 500, apperr.CodeInternal
	} else {
		msg = err.Error()
		var e *apperr.Error
		if errors.As(err, &e) {
			msg = e.Message
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": string(code)}}}})
}
